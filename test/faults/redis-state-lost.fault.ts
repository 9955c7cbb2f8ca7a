import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CmsError } from '../../src/cms/errors.js';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import type { CmsQueue } from '../../src/queue/index.js';
import { waitFor } from '../helpers/queue-harness.js';
import { assertPacingHeld, requestsOf, settled } from './helpers/checks.js';
import type { NodeProcess } from '../../bench/node-process.js';
import { startWorld, type ProcessWorld } from '../../bench/process-world.js';

const STATE_LOST = /^Redis lost its state/;

/**
 * A Redis without persistence restarts mid-burst: the send logs, the queued jobs and the sent
 * markers are gone. The CMS still remembers the last window, so every process must pause the
 * credential for a window (the gate's epoch check), and callers of lost jobs must hear so.
 */
describe('fault: Redis loses its state mid-burst (no persistence)', () => {
  let world: ProcessWorld;
  let workers: NodeProcess[];

  before(async () => {
    world = await startWorld({
      redis: { persist: false },
      // A window long enough that the calls after the restart fall in the one before it, and
      // an hour's block: one request over a limit would show in the emulator's figures.
      cms: { windowMs: 4_000, blockSeconds: 3600 },
    });
    // B sends nothing before Redis forgets, and is the first to ask the gate afterwards.
    workers = await Promise.all([
      world.spawnWorker({ CMS_WORKER_OPERATIONS: 'getDepartments,addMemberRecord' }, 'worker A'),
      world.spawnWorker({ CMS_WORKER_OPERATIONS: 'getCommunity' }, 'worker B'),
    ]);
  });
  after(() => world.stop());

  const write = (queue: CmsQueue, reason: string) =>
    queue.submit('addMemberRecord', {
      params: { accountId: SANDBOX_MEMBERS.civilian },
      body: { points: 1, reason },
    });

  it('holds every limit, sends no write twice, and tells callers of lost jobs', async (t) => {
    if (!world.redis?.owned) return t.skip('needs a redis-server of its own to restart');
    const queue = await world.startQueue();

    const before = await Promise.all([
      ...Array.from({ length: 40 }, () => queue.submit('getDepartments', {})),
      ...Array.from({ length: 30 }, (_, i) => write(queue, `lost-state write ${i}`)),
    ]);
    // Mid-burst: the first window is spent (so the CMS remembers it), most calls still queued.
    await waitFor(() => requestsOf(world.cms, 'getDepartments') >= 13, 10_000, 'a full window');
    await world.redis.restart({ downMs: 300 });

    // Callers of jobs Redis forgot hear it (no hanging): `uncertain`, since a write may have gone.
    const outcomes = await settled(
      Promise.allSettled(before.map((ticket) => ticket.result)),
      20_000,
      'the calls queued before the restart',
    );
    const errors = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    assert.ok(errors.length > 0, 'some queued calls were lost with the state');
    for (const error of errors) {
      assert.ok(error instanceof CmsError, String(error));
      assert.equal(error.kind, 'uncertain', error.message);
    }
    assert.ok(
      errors.some((error) => /no longer in Redis/.test((error as CmsError).message)),
      'a lost job is reported as such',
    );

    // New calls right after: the first worker to ask the gate (B, for this call) finds the epoch
    // gone and pauses the credential; A, which asks next, finds B's new epoch and pauses too.
    await firstCallAfterwards(queue);
    const afterwards = await Promise.all([
      ...Array.from({ length: 20 }, () => queue.submit('getDepartments', {})),
      ...Array.from({ length: 4 }, (_, i) => write(queue, `after-restart write ${i}`)),
    ]);
    await settled(
      Promise.all(afterwards.map((ticket) => ticket.result)),
      20_000,
      'the calls queued after the restart',
    );
    const logged = await Promise.any(workers.map((worker) => worker.logged(STATE_LOST, 5_000)));
    assert.equal(logged.level, 50, 'logged as an error');

    assertPacingHeld(world.cms);
    for (const reason of [
      ...Array.from({ length: 30 }, (_, i) => `lost-state write ${i}`),
      ...Array.from({ length: 4 }, (_, i) => `after-restart write ${i}`),
    ]) {
      const applied = world.cms.community.data.records.filter((r) => r.reason === reason);
      assert.ok(applied.length <= 1, `"${reason}" applied ${applied.length} times`);
    }
    assert.ok(
      requestsOf(world.cms, 'addMemberRecord') <= 34,
      `no write sent twice: ${requestsOf(world.cms, 'addMemberRecord')} sends for 34 writes`,
    );
  });
});

/** A call sent once the producer has reconnected (a submit fails fast while Redis is away). */
function firstCallAfterwards(queue: CmsQueue): Promise<void> {
  return waitFor(
    () =>
      queue.call('getCommunity', {}).then(
        () => true,
        () => false,
      ),
    15_000,
    'a call to go through again',
  );
}
