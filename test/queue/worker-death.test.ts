import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXAMPLE } from '../../src/cms/catalog/examples.js';
import { CmsError } from '../../src/cms/errors.js';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import type { SentMarker } from '../../src/queue/sent-marker.js';
import { ServedOperations } from '../../src/queue/served-operations.js';
import {
  startQueueHarness,
  statsFor,
  waitFor,
  type QueueHarness,
} from '../helpers/queue-harness.js';

const member = SANDBOX_MEMBERS.civilian;

/**
 * A worker process sends a non-idempotent write, the CMS applies it, and the worker dies before
 * the answer arrives. Another process takes the job over; it must not send the write again blindly.
 */
describe('a worker that dies mid-request', () => {
  let harness: QueueHarness;

  before(async () => {
    harness = await startQueueHarness({ env: { CMS_JOB_LOCK_MS: '1000', CMS_TIMEOUT_MS: '1000' } });
  });
  after(() => harness.stop());

  async function sendThenKillTheWorker(operation: 'addMemberRecord' | 'createRsvp', input: object) {
    const { queue } = await harness.startQueue();
    const doomed = await harness.spawnWorkerProcess();
    harness.emulator.faults.set({ hangCount: 1, operations: [operation] });
    const ticket = await queue.submit(operation, input as never);
    await waitFor(
      () => statsFor(harness.emulator, operation)?.requests === 1,
      10_000,
      'the write to reach the CMS',
    );
    doomed.kill('SIGKILL');
    await new Promise((resolve) => doomed.once('exit', resolve));
    // The survivor's stalled-job check hands it the job once the dead worker's lock expires.
    const survivor = await harness.startWorkers();
    return { ticket, survivor };
  }

  it('verifies a write that has a verifier, and returns what the CMS already did', async () => {
    const { ticket, survivor } = await sendThenKillTheWorker('addMemberRecord', {
      params: { accountId: member },
      body: { points: 3, reason: 'Worker died mid-request' },
    });
    const result = await ticket.result;
    assert.equal(result.meta.verified, true);
    const [record] = result.data as { reason: string; points: number }[];
    assert.deepEqual(
      { reason: record!.reason, points: record!.points },
      { reason: 'Worker died mid-request', points: 3 },
    );
    assert.equal(
      statsFor(harness.emulator, 'addMemberRecord')?.requests,
      1,
      'the write was sent once',
    );
    assert.equal(statsFor(harness.emulator, 'getMemberRecords')?.requests, 1, 'and checked once');
    const records = harness.emulator.community.data.records.filter(
      (r) => r.accId === member && r.reason === 'Worker died mid-request',
    );
    assert.equal(records.length, 1, 'the CMS holds one record, not two');
    await survivor.close();
  });

  it('reports a write it cannot verify as uncertain instead of sending it twice', async () => {
    const { ticket, survivor } = await sendThenKillTheWorker('createRsvp', {
      params: { eventId: EXAMPLE.eventId },
      body: { accId: member },
    });
    await assert.rejects(ticket.result, (error: unknown) => {
      assert.ok(error instanceof CmsError);
      assert.equal(error.kind, 'uncertain');
      assert.match(error.message, /may have reached the CMS/);
      return true;
    });
    assert.equal(
      statsFor(harness.emulator, 'createRsvp')?.requests,
      1,
      'the toggle was not sent again',
    );
    const event = harness.emulator.community.data.events.find((e) => e.id === EXAMPLE.eventId);
    assert.ok(event?.rsvps.includes(member), 'the one send took effect');
    await survivor.close();
  });

  it('treats a timed-out write like a lost one: verified, not repeated', async () => {
    const { queue } = await harness.startQueue();
    const workers = await harness.startWorkers({ CMS_TIMEOUT_MS: '300' });
    harness.emulator.faults.set({ hangCount: 1, operations: ['startSession'] });
    const session = await (
      await queue.submit('startSession', { body: { serverId: 2, accId: member } })
    ).result;
    assert.equal(session.meta.verified, true);
    assert.equal((session.data as { startedBy: string }).startedBy, member);
    assert.equal(statsFor(harness.emulator, 'startSession')?.requests, 1);
    await workers.close();
  });

  it('hands back the stored outcome when a finished job runs again (crash before BullMQ noted it)', async () => {
    const { queue } = await harness.startQueue();
    // No worker takes jobs yet (one is announced so the call is queued): it waits while we
    // leave the marker a finished job leaves.
    await new ServedOperations(harness.redisClient(), harness.keys).announce('not-started-yet', [
      'createRsvp',
    ]);
    const ticket = await queue.submit('createRsvp', {
      params: { eventId: EXAMPLE.eventId },
      body: { accId: SANDBOX_MEMBERS.officer },
    });
    const done: SentMarker = {
      attempt: 1,
      at: Date.now(),
      worker: 'a-worker-that-crashed',
      outcome: {
        jobId: ticket.jobId,
        queue: ticket.queue,
        ok: true,
        data: 'RSVP_SUCCESS',
        meta: { dispatchedAt: Date.now(), attempts: 1 },
      },
    };
    const sentBefore = statsFor(harness.emulator, 'createRsvp')?.requests ?? 0;
    await harness
      .redisClient()
      .set(harness.keys.sentMarker(ticket.queue, ticket.jobId), JSON.stringify(done));

    const workers = await harness.startWorkers();
    const result = await ticket.result;
    assert.equal(result.data, 'RSVP_SUCCESS');
    assert.equal(
      statsFor(harness.emulator, 'createRsvp')?.requests ?? 0,
      sentBefore,
      'nothing was sent again',
    );
    await workers.close();
  });

  it('does not call a job "never sent" when a send of it was let through before its worker died', async () => {
    const { queue } = await harness.startQueue();
    const served = new ServedOperations(harness.redisClient(), harness.keys);
    await served.announce('not-started-yet', ['createRsvp', 'getCommunity']);
    const input = {
      params: { eventId: EXAMPLE.eventId },
      body: { accId: SANDBOX_MEMBERS.officer },
    };

    // A write back in its queue after its worker died: its sent marker says a send left.
    const write = await queue.submit('createRsvp', input);
    const marker: SentMarker = { attempt: 1, at: Date.now(), worker: 'a-worker-that-died' };
    await harness
      .redisClient()
      .set(harness.keys.sentMarker(write.queue, write.jobId), JSON.stringify(marker));
    assert.equal(await write.cancel(), false);

    // A read has no marker; the gate's record of the job it last let through says the same.
    const read = await queue.submit('getCommunity', {});
    await harness.redisClient().set(harness.keys.lastGranted(read.queue), read.jobId);
    assert.equal(await read.cancel(), false);

    // A job never let through can be taken back, and no worker sends it afterwards.
    const untouched = await queue.submit('getCommunity', {});
    assert.equal(await untouched.cancel(), true);
    await assert.rejects(untouched.result, (error: CmsError) => error.kind === 'cancelled');
    await served.announce('not-started-yet', ['createRsvp', 'getCommunity'], true);
    const workers = await harness.startWorkers();
    await Promise.allSettled([write.result, read.result]);
    assert.equal(
      statsFor(harness.emulator, 'getCommunity')?.requests,
      1,
      'the read let through before is sent once more; the cancelled one never',
    );
    await workers.close();
  });
});
