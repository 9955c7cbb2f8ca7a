import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { limitPerMinute, type OperationName } from '../../src/cms/catalog/index.js';
import type { CallResult, Priority, Ticket } from '../../src/queue/index.js';
import { EXAMPLE } from '../../src/cms/catalog/examples.js';
import { startQueueHarness, type QueueHarness } from '../helpers/queue-harness.js';

interface Sent {
  operation: OperationName;
  priority: Priority;
  jobId: number;
  result: CallResult<unknown>;
}

async function settle(
  operation: OperationName,
  priority: Priority,
  tickets: Ticket<unknown>[],
): Promise<Sent[]> {
  return Promise.all(
    tickets.map(async (t) => ({
      operation,
      priority,
      jobId: Number(t.jobId),
      result: await t.result,
    })),
  );
}

/** Sends of one (operation, priority), taken in submission order, must leave in that order. */
function fifoInversions(sent: Sent[]): number {
  const ordered = [...sent].sort((a, b) => a.jobId - b.jobId);
  let inversions = 0;
  for (let i = 1; i < ordered.length; i += 1) {
    if (ordered[i]!.result.meta.dispatchedAt! < ordered[i - 1]!.result.meta.dispatchedAt!)
      inversions += 1;
  }
  return inversions;
}

describe('pacing across three processes sharing one Redis', () => {
  let harness: QueueHarness;

  before(async () => {
    // A 1.5 s window stands in for the minute; going over blocks the credential as production does.
    harness = await startQueueHarness({ emulator: { windowMs: 1_500, blockSeconds: 3600 } });
    await harness.spawnWorkerProcess();
    await harness.spawnWorkerProcess();
    await harness.startWorkers();
  });
  after(() => harness.stop());

  it('saturates two operations with mixed priorities: no 429, never over the limit in any window, FIFO kept', async () => {
    const { queue } = await harness.startQueue();
    const load: [OperationName, Priority, number][] = [
      ['getRosterContents', 'background', 16],
      ['getRosterContents', 'interactive', 8],
      ['getDepartments', 'background', 20],
      ['getDepartments', 'interactive', 10],
    ];
    const batches = await Promise.all(
      load.map(async ([operation, priority, count]) => {
        const input = operation === 'getRosterContents' ? { params: { rosterId: 1 } } : {};
        const tickets = await Promise.all(
          Array.from({ length: count }, () =>
            queue.submit(operation, input as never, { priority }),
          ),
        );
        return settle(operation, priority, tickets);
      }),
    );

    for (const operation of ['getRosterContents', 'getDepartments'] as const) {
      const row = harness.emulator.limiter.stats().find((s) => s.operation === operation);
      assert.equal(row?.rateLimited, 0, `${operation}: the emulator never answered 429`);
      assert.ok(
        row!.maxInWindow <= limitPerMinute(operation),
        `${operation}: ${row!.maxInWindow} in one window, limit ${limitPerMinute(operation)}`,
      );
      assert.equal(
        row?.maxInWindow,
        limitPerMinute(operation),
        `${operation}: saturation fills the window`,
      );
    }
    for (const sent of batches)
      assert.equal(
        fifoInversions(sent),
        0,
        `${sent[0]!.operation} ${sent[0]!.priority} left in submission order`,
      );
    assert.deepEqual(harness.emulator.limiter.blockedCredentials(), []);
  });

  it('spends one budget for a v1 operation and its v2 twin: saturating both never exceeds the limit', async () => {
    await harness.resetPacing();
    const { queue } = await harness.startQueue();
    const account = { params: { accountId: EXAMPLE.accountId } };
    const v1Account = { data: [{ accId: EXAMPLE.accountId }] as [{ accId: string }] };
    const calls = [
      ...Array.from({ length: 30 }, () =>
        queue.submit('getAccount', account, { priority: 'background' }),
      ),
      ...Array.from({ length: 30 }, () =>
        queue.submit('v1.getComAccount', v1Account, { priority: 'background' }),
      ),
      ...Array.from({ length: 10 }, () => queue.submit('v1.getComAccount', v1Account)),
    ];
    await Promise.all((await Promise.all(calls)).map((ticket) => ticket.result));
    // The emulator meters the twins in one window, as the CMS may: its judgement is the one that counts.
    const row = harness.emulator.limiter.stats().find((s) => s.operation === 'getAccount');
    assert.equal(row?.rateLimited, 0, 'no 429');
    assert.equal(
      row?.maxInWindow,
      limitPerMinute('getAccount'),
      'the shared window filled, never overfilled',
    );
    assert.deepEqual(row?.requestsByOperation, { getAccount: 30, 'v1.getComAccount': 40 });
  });

  it('sends interactive work queued later before background work queued earlier', async () => {
    const { queue } = await harness.startQueue();
    const input = { params: { rosterId: 2 } } as never;
    // Start with empty windows instead of waiting the previous test's sends out.
    await harness.resetPacing();
    const background = await Promise.all(
      Array.from({ length: 14 }, () =>
        queue.submit('getRosterContents', input, { priority: 'background' }),
      ),
    );
    await Promise.all(background.slice(0, 8).map((t) => t.result));
    const interactive = await Promise.all(
      Array.from({ length: 3 }, () =>
        queue.submit('getRosterContents', input, { priority: 'interactive' }),
      ),
    );
    const interactiveSent = (await Promise.all(interactive.map((t) => t.result))).map(
      (r) => r.meta.dispatchedAt!,
    );
    const laterBackground = (await Promise.all(background.slice(8).map((t) => t.result))).map(
      (r) => r.meta.dispatchedAt!,
    );
    // The interactive calls take the next slots (the reserved one first: see the gate's tests),
    // ahead of the six background jobs that were already waiting.
    assert.ok(
      Math.max(...interactiveSent) < Math.min(...laterBackground),
      'every interactive send precedes the waiting background sends',
    );
    const row = harness.emulator.limiter.stats().find((s) => s.operation === 'getRosterContents');
    assert.equal(row?.rateLimited, 0);
  });
});
