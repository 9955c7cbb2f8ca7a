import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CmsError } from '../../src/cms/errors.js';
import {
  startQueueHarness,
  statsFor,
  waitFor,
  type QueueHarness,
} from '../helpers/queue-harness.js';

describe('a Redis restart', () => {
  let harness: QueueHarness;

  before(async () => {
    harness = await startQueueHarness({ emulator: { windowMs: 1_000, blockSeconds: 3600 } });
    if (!harness.redis.owned) return;
    await harness.startWorkers();
  });
  after(() => harness.stop());

  it('loses no queued call, and the pacing still holds', async (t) => {
    if (!harness.redis.owned) {
      // Restarting someone else's Redis (the REDIS_URL fallback) is not ours to do.
      t.skip('needs a test-owned redis-server');
      return;
    }
    const { queue } = await harness.startQueue();
    const tickets = await Promise.all(
      Array.from({ length: 30 }, () =>
        queue.submit('getDepartments', {}, { priority: 'background' }),
      ),
    );
    await waitFor(
      () => (statsFor(harness.emulator, 'getDepartments')?.requests ?? 0) >= 12,
      10_000,
      'the first window of sends',
    );

    await harness.redis.restart({ downMs: 500 });
    // The producer reconnects by itself; a submit succeeds again as soon as it has.
    let late: Awaited<ReturnType<typeof queue.submit<'getCommunity'>>> | undefined;
    await waitFor(
      async () => {
        late = await queue.submit('getCommunity', {}).catch(() => undefined);
        return late !== undefined;
      },
      10_000,
      'the producer to reconnect',
    );

    const results = await Promise.all(tickets.map((t) => t.result));
    assert.equal(results.length, 30);
    await late!.result;
    const row = statsFor(harness.emulator, 'getDepartments');
    assert.equal(row?.rateLimited, 0, 'no 429 across the restart');
    assert.ok(row!.maxInWindow <= 13);
    assert.ok(
      row!.requests >= 30 && row!.requests <= 31,
      `each call sent once (a read caught mid-flight may be sent twice): ${row!.requests}`,
    );
  });

  it('makes submitting fail fast and clearly while Redis is down', async (t) => {
    if (!harness.redis.owned) {
      t.skip('needs a test-owned redis-server');
      return;
    }
    const { queue } = await harness.startQueue();
    const restarting = harness.redis.restart({ downMs: 1_500 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await assert.rejects(queue.submit('getCommunity', {}), (error: unknown) => {
      assert.ok(error instanceof CmsError);
      assert.equal(error.kind, 'network');
      assert.match(error.message, /queue is unavailable/);
      return true;
    });
    assert.ok(Date.now() - started < 1_500, 'the caller hears before Redis is back');
    await restarting;
    await waitFor(
      () =>
        queue.call('getCommunity', {}).then(
          () => true,
          () => false,
        ),
      10_000,
      'Redis to be back',
    );
  });
});
