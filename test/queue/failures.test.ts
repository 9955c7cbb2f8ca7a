import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { EXAMPLE } from '../../src/cms/catalog/examples.js';
import { CmsClient } from '../../src/cms/client.js';
import { CmsError } from '../../src/cms/errors.js';
import type { CmsQueue } from '../../src/queue/index.js';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import {
  startQueueHarness,
  statsFor,
  waitFor,
  type QueueHarness,
} from '../helpers/queue-harness.js';

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
  // Each case starts with empty windows on both sides.
  beforeEach(() => harness.resetPacing());
  after(() => harness.stop());

  it('retries 5xx answers with backoff, each retry spending budget, then reports the last error', async () => {
    harness.emulator.faults.set({ errorRate: 1, operations: ['getAccount'] });
    const ticket = await queue.submit('getAccount', account);
    const error = await rejection(ticket.result);
    assert.equal(error.kind, 'http');
    assert.equal(error.status, 503);
    assert.equal(
      statsFor(harness.emulator, 'getAccount')?.requests,
      4,
      'one first send and three retries',
    );
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
    const error = await rejection(
      queue.call('getAccount', { params: { accountId: '9f9f9f9f-9f9f-4f9f-9f9f-9f9f9f9f9f9f' } }),
    );
    assert.equal(error.status, 404);
    assert.equal(statsFor(harness.emulator, 'getAccount')?.requests, 1);
  });

  it('pauses the whole credential on a 429 for Retry-After plus the margin, and logs it as an error', async () => {
    // Another app using the same key spends getDepartments' whole budget behind the queue's back.
    const other = new CmsClient({ ...harness.config.cms, timeoutMs: 10_000 });
    for (let i = 0; i < 13; i += 1) await other.call('getDepartments', {});

    const departments = await queue.submit('getDepartments', {});
    await waitFor(
      () => statsFor(harness.emulator, 'getDepartments')?.rateLimited === 1,
      5_000,
      'the 429',
    );
    const otherOperation = await queue.submit('getCommunity', {});
    const [departmentsResult, communityResult] = await Promise.all([
      departments.result,
      otherOperation.result,
    ]);

    const deps = statsFor(harness.emulator, 'getDepartments');
    assert.equal(deps?.rateLimited, 1, 'exactly one 429: the queue stopped at once');
    assert.equal(departmentsResult.meta.attempts, 2, 'the call was sent again after the pause');
    // The emulator blocks the credential for a second after a 429: a call sent then is refused.
    assert.equal(
      statsFor(harness.emulator, 'getCommunity')?.rateLimited,
      0,
      'other operations waited out the block instead of hitting it',
    );
    assert.ok(communityResult.meta.dispatchedAt !== null);

    const logged = harness
      .logLines()
      .find((line) => line.level === 50 && line.operation === 'getDepartments');
    assert.ok(logged, 'the 429 is logged as an error naming the operation');
    assert.match(String(logged.msg), /429/);
    assert.equal(
      logged.pauseMs,
      1_000 + harness.config.pacing.marginMs,
      'Retry-After (1 s) plus the safety margin',
    );
  });

  it('does not let a call be cancelled once it was sent, even while it waits to retry', async () => {
    const other = new CmsClient({ ...harness.config.cms, timeoutMs: 10_000 });
    for (let i = 0; i < 13; i += 1) await other.call('getDepartments', {});
    const ticket = await queue.submit('getDepartments', {});
    await waitFor(
      () => statsFor(harness.emulator, 'getDepartments')?.rateLimited === 1,
      5_000,
      'the 429',
    );
    assert.equal(await ticket.cancel(), false, 'it reached the CMS once already');
    assert.equal((await ticket.result).meta.attempts, 2);
  });

  describe('deadlines', () => {
    it('drops a call whose deadline passes while it waits, unsent, with an expired error', async () => {
      // Fill getDepartments' window through the queue, so the next call must wait for it.
      await Promise.all(Array.from({ length: 13 }, () => queue.call('getDepartments', {})));
      const error = await rejection(
        queue.call('getDepartments', {}, { deadline: Date.now() + 50 }),
      );
      assert.equal(error.kind, 'expired');
      assert.equal(
        statsFor(harness.emulator, 'getDepartments')?.requests,
        13,
        'the late call never reached the CMS',
      );
    });

    it('does not queue a call whose ETA is already past its deadline, and says when to try again', async () => {
      await Promise.all(Array.from({ length: 13 }, () => queue.call('getDepartments', {})));
      const error = await rejection(
        queue.submit('getDepartments', {}, { deadline: Date.now() + 50 }),
      );
      assert.equal(error.kind, 'expired');
      assert.match(error.message, /not queued/);
      assert.ok(error.retryAfterMs! > 50, `try again after the wait (${error.retryAfterMs} ms)`);
      // Withdrawn at once; a worker that held it at that moment drops it at its next try.
      await waitFor(
        async () => {
          const [row] = (await queue.stats(['getDepartments'])).operations;
          return row!.waiting === 0 && row!.active === 0;
        },
        5_000,
        'the withdrawn call to leave the queue',
      );
      assert.equal(
        statsFor(harness.emulator, 'getDepartments')?.requests,
        13,
        'and it never reached the CMS',
      );
    });

    it('gives interactive calls a deadline just under the interaction token by default', async () => {
      const ticket = await queue.submit('getCommunity', {});
      await ticket.result;
      const data = await harness
        .redisClient()
        .hget(harness.keys.job(ticket.queue, ticket.jobId), 'data');
      const { deadline } = JSON.parse(data!) as { deadline: number };
      const [seconds, micros] = await harness.redisClient().time();
      const leftMs = deadline - (Number(seconds) * 1000 + Number(micros) / 1000);
      // The deadline is stamped with the queue's estimate of Redis time (its offset is measured
      // over a round trip), which a busy machine can put a few milliseconds ahead.
      assert.ok(
        leftMs > 13 * 60_000 && leftMs <= 14 * 60_000 + 1_000,
        `about 14 minutes left (${leftMs} ms)`,
      );
    });
  });

  describe('a write whose failure leaves it unclear whether the CMS did it', () => {
    const member = SANDBOX_MEMBERS.civilian;

    it('sends it again after a 503, which means the CMS did nothing', async () => {
      harness.emulator.faults.set({ errorCount: 1, errorStatus: 503, operations: ['createRsvp'] });
      const result = await (
        await queue.submit('createRsvp', {
          params: { eventId: EXAMPLE.eventId },
          body: { accId: member },
        })
      ).result;
      assert.equal(result.data, 'RSVP_SUCCESS');
      assert.equal(result.meta.attempts, 2);
    });

    it('checks before sending again after a 502 from a gateway, and sends when the check says it did not happen', async () => {
      harness.emulator.faults.set({
        errorCount: 1,
        errorStatus: 502,
        operations: ['addMemberRecord'],
      });
      const result = await (
        await queue.submit('addMemberRecord', {
          params: { accountId: member },
          body: { points: 2, reason: 'Gateway test' },
        })
      ).result;
      assert.equal(statsFor(harness.emulator, 'getMemberRecords')?.requests, 1, 'it looked first');
      assert.equal(statsFor(harness.emulator, 'addMemberRecord')?.requests, 2);
      assert.equal((result.data as { reason: string }[])[0]!.reason, 'Gateway test');
      const records = harness.emulator.community.data.records.filter(
        (r) => r.reason === 'Gateway test',
      );
      assert.equal(records.length, 1);
    });

    it('reports it as uncertain after a 502 when there is no way to check', async () => {
      harness.emulator.faults.set({ errorCount: 1, errorStatus: 502, operations: ['createRsvp'] });
      const error = await rejection(
        (
          await queue.submit('createRsvp', {
            params: { eventId: EXAMPLE.eventId },
            body: { accId: member },
          })
        ).result,
      );
      assert.equal(error.kind, 'uncertain');
      assert.equal(statsFor(harness.emulator, 'createRsvp')?.requests, 1);
    });
  });
});

describe('a failing call at the head of its queue', () => {
  let harness: QueueHarness;

  before(async () => {
    // A one-minute backoff: a queue that slept through it would hold the healthy call that long.
    harness = await startQueueHarness({ env: { CMS_RETRY_BASE_MS: '60000' } });
    await harness.startWorkers();
  });
  after(() => harness.stop());

  it('lets a healthy call behind it go while it waits for its retry', async () => {
    const { queue } = await harness.startQueue();
    harness.emulator.faults.set({ errorCount: 1, operations: ['getAccount'] });
    const failing = await queue.submit('getAccount', account);
    const healthy = await queue.submit('getAccount', account);
    const { meta } = await healthy.result;
    assert.equal(meta.attempts, 1);
    assert.equal(
      statsFor(harness.emulator, 'getAccount')?.requests,
      2,
      'the failed call and the healthy one; the retry still waits',
    );
    assert.equal(await failing.cancel(), false, 'the failed call was sent once: not cancellable');
  });
});

describe('a 429 met while verifying an earlier send', () => {
  let harness: QueueHarness;

  before(async () => {
    // A 2 s window keeps the other app's reads in it for longer than the verification takes to come.
    harness = await startQueueHarness({
      emulator: { windowMs: 2_000, blockSeconds: 1 },
      env: { CMS_TIMEOUT_MS: '150', CMS_RETRY_BASE_MS: '50' },
    });
    await harness.startWorkers();
  });
  after(() => harness.stop());

  it('pauses the credential for every process too, then verifies once the pause is over', async () => {
    const { queue } = await harness.startQueue();
    const member = SANDBOX_MEMBERS.civilian;
    // Another app has just spent the whole budget of the read the verification will need (its
    // client is not ours: a generous timeout, whatever the queue's own).
    const other = new CmsClient({ ...harness.config.cms, timeoutMs: 10_000 });
    await Promise.all(
      Array.from({ length: 27 }, () =>
        other.call('getMemberRecords', { params: { accountId: member } }),
      ),
    );
    harness.emulator.faults.set({
      errorCount: 1,
      errorStatus: 502,
      operations: ['addMemberRecord'],
    });
    const ticket = await queue.submit('addMemberRecord', {
      params: { accountId: member },
      body: { points: 1, reason: 'Verified after a 429' },
    });

    const result = await ticket.result;
    assert.ok(
      statsFor(harness.emulator, 'getMemberRecords')!.rateLimited >= 1,
      'the verification read met a 429',
    );
    const paused = harness
      .logLines()
      .find((line) => line.level === 50 && line.operation === 'getMemberRecords');
    assert.ok(paused, 'the 429 is logged as an error naming the read');
    assert.ok(Number(paused.pauseMs) >= 1_000, 'for Retry-After at least');
    assert.equal(
      harness.emulator.community.data.records.filter((r) => r.reason === 'Verified after a 429')
        .length,
      1,
      'one record, whatever happened',
    );
    assert.equal(
      statsFor(harness.emulator, 'addMemberRecord')?.requests ?? 0,
      result.meta.verified ? 1 : 2,
      'sent again only if the check said it did not happen',
    );
  });
});
