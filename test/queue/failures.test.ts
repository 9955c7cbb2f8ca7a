import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { EXAMPLE } from '../../src/cms/catalog/examples.js';
import { CmsClient } from '../../src/cms/client.js';
import { CmsError } from '../../src/cms/errors.js';
import type { CmsQueue } from '../../src/queue/index.js';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import { startQueueHarness, statsFor, waitFor, type QueueHarness } from '../helpers/queue-harness.js';

const account = { params: { accountId: EXAMPLE.accountId } };

async function rejection(promise: Promise<unknown>): Promise<CmsError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CmsError, String(error));
    return error;
  }
  assert.fail('expected a CmsError');
}

describe('queue under failures', () => {
  let harness: QueueHarness;
  let queue: CmsQueue;

  before(async () => {
    harness = await startQueueHarness({
      emulator: { windowMs: 1_000, blockSeconds: 1 },
      env: { CMS_MAX_ATTEMPTS: '4', CMS_RETRY_BASE_MS: '50', CMS_TIMEOUT_MS: '300' },
    });
    await harness.startWorkers();
    ({ queue } = await harness.startQueue());
  });
  beforeEach(async () => {
    // Start each case with an empty window on both sides.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    harness.emulator.reset();
  });
  after(() => harness.stop());

  it('retries 5xx answers with backoff, each retry spending budget, then reports the last error', async () => {
    harness.emulator.faults.set({ errorRate: 1, operations: ['getAccount'] });
    const ticket = await queue.submit('getAccount', account);
    const error = await rejection(ticket.result);
    assert.equal(error.kind, 'http');
    assert.equal(error.status, 503);
    assert.equal(statsFor(harness.emulator, 'getAccount')?.requests, 4, 'one first send and three retries');
    const [row] = (await queue.stats(['getAccount'])).operations;
    assert.equal(row?.usedInWindow, 4, 'every send took a slot of the budget');
  });

  it('succeeds on a retry once the CMS recovers, and says how many sends it took', async () => {
    harness.emulator.faults.set({ errorCount: 2, operations: ['getAccount'] });
    const result = await (await queue.submit('getAccount', account)).result;
    assert.equal((result.data as { accId: string }).accId, EXAMPLE.accountId);
    assert.equal(result.meta.attempts, 3);
    assert.equal(statsFor(harness.emulator, 'getAccount')?.requests, 3);
  });

  it('retries a timed-out read', async () => {
    harness.emulator.faults.set({ hangCount: 1, operations: ['getAccount'] });
    const result = await (await queue.submit('getAccount', account)).result;
    assert.equal(result.meta.attempts, 2);
  });

  it('does not retry what cannot succeed (404)', async () => {
    const error = await rejection(queue.call('getAccount', { params: { accountId: '9f9f9f9f-9f9f-4f9f-9f9f-9f9f9f9f9f9f' } }));
    assert.equal(error.status, 404);
    assert.equal(statsFor(harness.emulator, 'getAccount')?.requests, 1);
  });

  it('pauses the whole credential on a 429 for as long as Retry-After says, and logs it as an error', async () => {
    // Another app using the same key spends getDepartments' whole budget behind the queue's back.
    const other = new CmsClient(harness.config.cms);
    for (let i = 0; i < 13; i += 1) await other.call('getDepartments', {});

    const departments = await queue.submit('getDepartments', {});
    await new Promise((resolve) => setTimeout(resolve, 150));
    const pausedAt = Date.now();
    const otherOperation = await queue.submit('getCommunity', {});
    const [departmentsResult, communityResult] = await Promise.all([departments.result, otherOperation.result]);

    const deps = statsFor(harness.emulator, 'getDepartments');
    assert.equal(deps?.rateLimited, 1, 'exactly one 429: the queue stopped at once');
    assert.equal(departmentsResult.meta.attempts, 2, 'the call was sent again after the pause');
    assert.equal(statsFor(harness.emulator, 'getCommunity')?.rateLimited, 0, 'other operations waited out the block instead of hitting it');
    assert.ok(communityResult.meta.dispatchedAt !== null);
    assert.ok(Date.now() - pausedAt >= 700, 'the other operation waited for the pause');

    const logged = harness.logLines().find((line) => line.level === 50 && line.operation === 'getDepartments');
    assert.ok(logged, 'the 429 is logged as an error naming the operation');
    assert.match(String(logged.msg), /429/);
    assert.equal(logged.retryAfterMs, 1_000);
  });

  it('does not let a call be cancelled once it was sent, even while it waits to retry', async () => {
    const other = new CmsClient(harness.config.cms);
    for (let i = 0; i < 13; i += 1) await other.call('getDepartments', {});
    const ticket = await queue.submit('getDepartments', {});
    await waitFor(() => statsFor(harness.emulator, 'getDepartments')?.rateLimited === 1, 5_000, 'the 429');
    assert.equal(await ticket.cancel(), false, 'it reached the CMS once already');
    assert.equal((await ticket.result).meta.attempts, 2);
  });

  describe('a write whose failure leaves it unclear whether the CMS did it', () => {
    const member = SANDBOX_MEMBERS.civilian;

    it('sends it again after a 503, which means the CMS did nothing', async () => {
      harness.emulator.faults.set({ errorCount: 1, errorStatus: 503, operations: ['createRsvp'] });
      const result = await (await queue.submit('createRsvp', { params: { eventId: EXAMPLE.eventId }, body: { accId: member } })).result;
      assert.equal(result.data, 'RSVP_SUCCESS');
      assert.equal(result.meta.attempts, 2);
    });

    it('checks before sending again after a 502 from a gateway, and sends when the check says it did not happen', async () => {
      harness.emulator.faults.set({ errorCount: 1, errorStatus: 502, operations: ['addMemberRecord'] });
      const result = await (await queue.submit('addMemberRecord', { params: { accountId: member }, body: { points: 2, reason: 'Gateway test' } })).result;
      assert.equal(statsFor(harness.emulator, 'getMemberRecords')?.requests, 1, 'it looked first');
      assert.equal(statsFor(harness.emulator, 'addMemberRecord')?.requests, 2);
      assert.equal((result.data as { reason: string }[])[0]!.reason, 'Gateway test');
      const records = harness.emulator.community.data.records.filter((r) => r.reason === 'Gateway test');
      assert.equal(records.length, 1);
    });

    it('reports it as uncertain after a 502 when there is no way to check', async () => {
      harness.emulator.faults.set({ errorCount: 1, errorStatus: 502, operations: ['createRsvp'] });
      const error = await rejection((await queue.submit('createRsvp', { params: { eventId: EXAMPLE.eventId }, body: { accId: member } })).result);
      assert.equal(error.kind, 'uncertain');
      assert.equal(statsFor(harness.emulator, 'createRsvp')?.requests, 1);
    });
  });
});
