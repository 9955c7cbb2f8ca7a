import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { CmsQueue } from '../../src/queue/index.js';
import {
  startQueueHarness,
  statsFor,
  waitFor,
  type QueueHarness,
} from '../helpers/queue-harness.js';

const roster = { params: { rosterId: 1 } } as const;

describe('queue scheduling', () => {
  let harness: QueueHarness;
  let queue: CmsQueue;

  before(async () => {
    // The real one-minute window: nothing here waits for it to roll over.
    harness = await startQueueHarness();
    await harness.startWorkers();
    ({ queue } = await harness.startQueue());
  });
  beforeEach(async () => {
    harness.emulator.reset();
  });
  after(() => harness.stop());

  it('tells each caller its ETA at once, and lets a waiting call be taken back', async () => {
    // getRosterContents allows 9 a window: background gets 8, spread one per 61 s / 8.
    const spacing = 61_000 / 8;
    const background: Awaited<ReturnType<typeof queue.submit<'getRosterContents'>>>[] = [];
    const started = Date.now();
    const elapsed: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      background.push(await queue.submit('getRosterContents', roster, { priority: 'background' }));
      elapsed.push(Date.now() - started);
    }
    background.forEach((ticket, i) => {
      // Job i leaves i spacings after the first, less the time that passed until its ETA was read
      // (at most `elapsed[i]`, however busy the machine).
      const latest = i * spacing + 20;
      const earliest = i * spacing - elapsed[i]! - 20;
      assert.ok(
        ticket.etaMs >= earliest && ticket.etaMs <= latest,
        `background job ${i}: eta ${ticket.etaMs} ms, expected ${Math.round(earliest)} to ${Math.round(latest)}`,
      );
      assert.ok(ticket.position <= i, `job ${i} has at most ${i} jobs ahead (${ticket.position})`);
      if (i > 0)
        assert.ok(
          ticket.etaMs >= background[i - 1]!.etaMs - (elapsed[i]! - elapsed[i - 1]!),
          'later jobs never get earlier ETAs',
        );
    });
    assert.equal(background[0]!.etaMs, 0);
    await background[0]!.result;

    // Interactive work is not spread out: with the window mostly free it goes now.
    const interactive = await queue.submit('getRosterContents', roster, {
      priority: 'interactive',
    });
    assert.equal(interactive.etaMs, 0);
    const { meta } = await interactive.result;
    assert.equal(meta.attempts, 1);

    const rowsNow = async () =>
      Object.fromEntries(
        (await queue.stats(['getRosterContents'])).operations.map((row) => [row.priority, row]),
      );
    // The head background job goes back to its queue between two tries: wait until it is there.
    await waitFor(
      async () => {
        const { background } = await rowsNow();
        return background!.waiting === 4 && background!.sleepingMs > 1_000;
      },
      10_000,
      'the four background jobs left to wait, their queue asleep until the next background turn',
    );
    const rows = await rowsNow();
    assert.deepEqual(
      {
        used: rows.interactive!.usedInWindow,
        limit: rows.interactive!.limit,
        reserve: rows.interactive!.reserve,
        interactiveWaiting: rows.interactive!.waiting,
      },
      { used: 2, limit: 9, reserve: 1, interactiveWaiting: 0 },
    );
    assert.deepEqual(
      [
        rows.interactive!.submitted,
        rows.interactive!.completed,
        rows.background!.submitted,
        rows.background!.completed,
      ],
      [1, 1, 5, 1],
    );
    assert.ok(rows.background!.queuedMsP95 !== null);

    const last = background.at(-1)!;
    assert.ok(await last.cancel(), 'a waiting job can be taken back');
    await assert.rejects(
      last.result,
      (error: Error & { kind?: string }) => error.kind === 'cancelled',
    );
    for (const ticket of background.slice(1, -1)) assert.ok(await ticket.cancel());
    assert.equal(
      statsFor(harness.emulator, 'getRosterContents')?.requests,
      2,
      'cancelled calls were never sent',
    );
  });

  it('does not hold an idle operation behind a backlog on another (no head-of-line blocking)', async () => {
    const backlog = await Promise.all(
      Array.from({ length: 2_000 }, () =>
        queue.submit('getRosterContents', roster, { priority: 'background' }),
      ),
    );
    assert.ok(
      backlog.at(-1)!.etaMs > 60_000 * 200,
      `the last of 2000 jobs at 8 a minute waits hours (eta ${backlog.at(-1)!.etaMs} ms)`,
    );

    const idleInteractive = await queue.submit('getAccount', {
      params: { accountId: '00000000-0000-0000-0000-000000000000' },
    });
    const idleBackground = await queue.submit('getCommunity', {}, { priority: 'background' });
    assert.equal(idleInteractive.etaMs, 0);
    await idleInteractive.result;
    await idleBackground.result;

    const [bg] = (await queue.stats(['getRosterContents'])).operations.filter(
      (row) => row.priority === 'background',
    );
    assert.ok(
      bg!.waiting >= 1_990,
      `the backlog is still there (${bg!.waiting} waiting) while the idle calls finished`,
    );
    await Promise.all(backlog.map((t) => t.cancel()));
  });

  it('rejects bad input at submit without queuing or spending budget', async () => {
    await assert.rejects(
      queue.submit('getAccount', { params: { accountId: 'nope' } }),
      (error: Error & { kind?: string; field?: string }) => {
        assert.equal(error.kind, 'invalid-input');
        assert.equal(error.field, 'input.params.accountId');
        return true;
      },
    );
    assert.equal(statsFor(harness.emulator, 'getAccount'), undefined);
  });

  it('hands the typed result or the typed CMS error back to the caller', async () => {
    const account = await queue.call('getAccount', {
      params: { accountId: '00000000-0000-0000-0000-000000000000' },
    });
    assert.equal(account.accName, 'ExampleAccount');
    await assert.rejects(
      queue.call('getAccount', { params: { accountId: '9f9f9f9f-9f9f-4f9f-9f9f-9f9f9f9f9f9f' } }),
      (error: Error & { kind?: string; status?: number }) => {
        assert.equal(error.kind, 'http');
        assert.equal(error.status, 404);
        return true;
      },
    );
  });
});
