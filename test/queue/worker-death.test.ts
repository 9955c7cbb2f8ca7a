import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { after, before, describe, it } from 'node:test';
import { EXAMPLE } from '../../src/cms/catalog/examples.js';
import { CmsError } from '../../src/cms/errors.js';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import { QueueKeys } from '../../src/queue/index.js';
import type { SentMarker } from '../../src/queue/sent-marker.js';
import { startQueueHarness, statsFor, waitFor, type QueueHarness } from '../helpers/queue-harness.js';

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
    await waitFor(() => statsFor(harness.emulator, operation)?.requests === 1, 10_000, 'the write to reach the CMS');
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
    assert.deepEqual({ reason: record!.reason, points: record!.points }, { reason: 'Worker died mid-request', points: 3 });
    assert.equal(statsFor(harness.emulator, 'addMemberRecord')?.requests, 1, 'the write was sent once');
    assert.equal(statsFor(harness.emulator, 'getMemberRecords')?.requests, 1, 'and checked once');
    const records = harness.emulator.community.data.records.filter((r) => r.accId === member && r.reason === 'Worker died mid-request');
    assert.equal(records.length, 1, 'the CMS holds one record, not two');
    await survivor.close();
  });

  it('reports a write it cannot verify as uncertain instead of sending it twice', async () => {
    const { ticket, survivor } = await sendThenKillTheWorker('createRsvp', { params: { eventId: EXAMPLE.eventId }, body: { accId: member } });
    await assert.rejects(ticket.result, (error: unknown) => {
      assert.ok(error instanceof CmsError);
      assert.equal(error.kind, 'uncertain');
      assert.match(error.message, /may have reached the CMS/);
      return true;
    });
    assert.equal(statsFor(harness.emulator, 'createRsvp')?.requests, 1, 'the toggle was not sent again');
    const event = harness.emulator.community.data.events.find((e) => e.id === EXAMPLE.eventId);
    assert.ok(event?.rsvps.includes(member), 'the one send took effect');
    await survivor.close();
  });

  it('treats a timed-out write like a lost one: verified, not repeated', async () => {
    const { queue } = await harness.startQueue();
    const workers = await harness.startWorkers({ CMS_TIMEOUT_MS: '300' });
    harness.emulator.faults.set({ hangCount: 1, operations: ['startSession'] });
    const session = await (await queue.submit('startSession', { body: { serverId: 2, accId: member } })).result;
    assert.equal(session.meta.verified, true);
    assert.equal((session.data as { startedBy: string }).startedBy, member);
    assert.equal(statsFor(harness.emulator, 'startSession')?.requests, 1);
    await workers.close();
  });

  it('hands back the stored outcome when a finished job runs again (crash before BullMQ noted it)', async () => {
    const { queue } = await harness.startQueue();
    // No worker runs yet: the job waits while we leave the marker a finished job leaves.
    const ticket = await queue.submit('createRsvp', { params: { eventId: EXAMPLE.eventId }, body: { accId: SANDBOX_MEMBERS.officer } });
    const keys = new QueueKeys(harness.config.cms.communityId, harness.config.cms.apiKey);
    const done: SentMarker = {
      attempt: 1,
      at: Date.now(),
      worker: 'a-worker-that-crashed',
      outcome: { jobId: ticket.jobId, queue: ticket.queue, ok: true, data: 'RSVP_SUCCESS', meta: { dispatchedAt: Date.now(), attempts: 1 } },
    };
    const sentBefore = statsFor(harness.emulator, 'createRsvp')?.requests ?? 0;
    const redis = new Redis(harness.redis.url);
    await redis.set(keys.sentMarker(ticket.queue, ticket.jobId), JSON.stringify(done));
    redis.disconnect();

    const workers = await harness.startWorkers();
    const result = await ticket.result;
    assert.equal(result.data, 'RSVP_SUCCESS');
    assert.equal(statsFor(harness.emulator, 'createRsvp')?.requests ?? 0, sentBefore, 'nothing was sent again');
    await workers.close();
  });
});
