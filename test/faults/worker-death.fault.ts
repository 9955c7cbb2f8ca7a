import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import { waitFor } from '../helpers/queue-harness.js';
import { assertPacingHeld, requestsOf, settled } from './helpers/checks.js';
import { startWorld, type ProcessWorld } from '../../bench/process-world.js';

const WRITES = 6;
const READS = 30;
/** Worker A sends the writes and shares the reads with worker B. */
const A_OPERATIONS = { CMS_WORKER_OPERATIONS: 'addMemberRecord,getDepartments' };

/**
 * A worker process is killed (SIGKILL) while its write is on the wire, in the middle of a burst
 * it shares with another worker process; a replacement process (what a supervisor would start)
 * takes the write over. test/queue/worker-death.test.ts covers each takeover case on its own
 * (an in-process survivor); this is the same fault between real processes, under load.
 */
describe('fault: a worker process killed mid-request', () => {
  let world: ProcessWorld;

  before(async () => {
    world = await startWorld({
      cms: { windowMs: 2_000, blockSeconds: 3600, faults: { latencyMs: 20 } },
      // A dead worker's job is taken over once its lock lapses (a second here, 30 s by default).
      env: { CMS_JOB_LOCK_MS: '1000', CMS_TIMEOUT_MS: '3000' },
    });
  });
  after(() => world.stop());

  it('recovers the job, keeps the budget, and does not apply the write twice', async () => {
    const a = await world.spawnWorker(A_OPERATIONS, 'worker A');
    await world.spawnWorker({ CMS_WORKER_OPERATIONS: 'getDepartments' }, 'worker B');
    const queue = await world.startQueue();
    // The first write takes effect in the CMS and its answer never comes.
    world.cms.faults.set({ hangCount: 1, operations: ['addMemberRecord'] });
    const write = (i: number) =>
      queue.submit('addMemberRecord', {
        params: { accountId: SANDBOX_MEMBERS.civilian },
        body: { points: 2, reason: `worker death ${i}` },
      });
    const doomed = await write(0);
    await waitFor(
      () => requestsOf(world.cms, 'addMemberRecord') === 1,
      10_000,
      'the write to land',
    );
    const rest = await Promise.all([
      ...Array.from({ length: WRITES - 1 }, (_, i) => write(i + 1)),
      ...Array.from({ length: READS }, () => queue.submit('getDepartments', {})),
    ]);
    await waitFor(() => requestsOf(world.cms, 'getDepartments') >= 5, 10_000, 'reads under way');

    a.child.kill('SIGKILL');
    await a.exited;
    await world.spawnWorker(A_OPERATIONS, 'worker A, restarted');

    const recovered = await settled(doomed.result, 30_000, 'the dead worker’s write');
    assert.equal(recovered.meta.verified, true, 'checked in the CMS instead of sent again');
    await settled(
      Promise.all(rest.map((ticket) => ticket.result)),
      30_000,
      'the rest of the burst',
    );

    assert.equal(requestsOf(world.cms, 'addMemberRecord'), WRITES, 'each write sent once');
    for (let i = 0; i < WRITES; i += 1) {
      const applied = world.cms.community.data.records.filter(
        (record) => record.reason === `worker death ${i}`,
      );
      assert.equal(applied.length, 1, `write ${i} applied once`);
    }
    assert.equal(requestsOf(world.cms, 'getMemberRecords'), 1, 'one verification read');
    assertPacingHeld(world.cms);
  });
});
