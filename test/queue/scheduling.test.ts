import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { CmsQueue } from '../../src/queue/index.js';
import { startQueueHarness, statsFor, waitFor, type QueueHarness } from '../helpers/queue-harness.js';

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

  it('keeps part of each budget for interactive calls, and serves interactive work first', async () => {
    // getRosterContents allows 9 a window; background may fill 8 and leaves 1 for interactive calls.
    const background = await Promise.all(Array.from({ length: 12 }, () => queue.submit('getRosterContents', roster, { priority: 'background' })));
    await waitFor(() => statsFor(harness.emulator, 'getRosterContents')?.requests === 8, 5_000, 'the background share to fill');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(statsFor(harness.emulator, 'getRosterContents')?.requests, 8, 'background stops at its share');

    const interactive = await queue.submit('getRosterContents', roster, { priority: 'interactive' });
    assert.equal(interactive.etaMs, 0, 'the reserved slot is free, so the ETA is now');
    const result = await interactive.result;
    assert.ok(result.meta.dispatchedAt! > 0);

    // The window is now full: the next interactive call waits for a slot, and is promised one
    // before the four background jobs still queued.
    const next = await queue.submit('getRosterContents', roster, { priority: 'interactive' });
    assert.ok(next.etaMs > 50_000, `a full window means waiting for it to slide (eta ${next.etaMs} ms)`);
    const stats = await queue.stats(['getRosterContents']);
    const rows = Object.fromEntries(stats.operations.map((row) => [row.priority, row]));
    assert.deepEqual(
      // A job may be in a worker's hands between two tries: count waiting and active.
      { background: rows.background!.waiting + rows.background!.active, interactive: rows.interactive!.waiting + rows.interactive!.active, used: rows.interactive!.usedInWindow, limit: rows.interactive!.limit, reserve: rows.interactive!.reserve },
      { background: 4, interactive: 1, used: 9, limit: 9, reserve: 1 },
    );
    const laterBackground = await queue.submit('getRosterContents', roster, { priority: 'background' });
    assert.ok(laterBackground.etaMs > next.etaMs, 'background waits behind queued interactive work');
    assert.ok(await next.cancel(), 'a waiting job can be taken back');
    await assert.rejects(next.result, (error: Error & { kind?: string }) => error.kind === 'cancelled');
    assert.ok(await laterBackground.cancel());
    for (const ticket of background.slice(8)) assert.ok(await ticket.cancel());
    const done = await Promise.all(background.slice(0, 8).map((t) => t.result));
    assert.equal(done.length, 8);
    assert.equal(statsFor(harness.emulator, 'getRosterContents')?.rateLimited, 0);
  });

  it('does not hold an idle operation behind a backlog on another (no head-of-line blocking)', async () => {
    const backlog = await Promise.all(Array.from({ length: 2_000 }, () => queue.submit('getRosterContents', roster, { priority: 'background' })));
    assert.ok(backlog.at(-1)!.etaMs > 60_000 * 200, `the last of 2000 jobs at 8 a minute waits hours (eta ${backlog.at(-1)!.etaMs} ms)`);

    const idleInteractive = await queue.submit('getAccount', { params: { accountId: '00000000-0000-0000-0000-000000000000' } });
    const idleBackground = await queue.submit('getCommunity', {}, { priority: 'background' });
    assert.equal(idleInteractive.etaMs, 0);
    await idleInteractive.result;
    await idleBackground.result;

    const [bg] = (await queue.stats(['getRosterContents'])).operations.filter((row) => row.priority === 'background');
    assert.ok(bg!.waiting >= 1_990, `the backlog is still there (${bg!.waiting} waiting) while the idle calls finished`);
    await Promise.all(backlog.map((t) => t.cancel()));
  });

  it('rejects bad input at submit without queuing or spending budget', async () => {
    await assert.rejects(queue.submit('getAccount', { params: { accountId: 'nope' } }), (error: Error & { kind?: string; field?: string }) => {
      assert.equal(error.kind, 'invalid-input');
      assert.equal(error.field, 'input.params.accountId');
      return true;
    });
    assert.equal(statsFor(harness.emulator, 'getAccount'), undefined);
  });

  it('hands the typed result or the typed CMS error back to the caller', async () => {
    const account = await queue.call('getAccount', { params: { accountId: '00000000-0000-0000-0000-000000000000' } });
    assert.equal(account.accName, 'ExampleAccount');
    await assert.rejects(queue.call('getAccount', { params: { accountId: '9f9f9f9f-9f9f-4f9f-9f9f-9f9f9f9f9f9f' } }), (error: Error & { kind?: string; status?: number }) => {
      assert.equal(error.kind, 'http');
      assert.equal(error.status, 404);
      return true;
    });
  });
});
