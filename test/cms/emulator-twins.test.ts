import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { EXAMPLE } from '../../src/cms/catalog/examples.js';
import { limitPerMinute } from '../../src/cms/catalog/index.js';
import { CmsClient } from '../../src/cms/client.js';
import type { CmsError } from '../../src/cms/errors.js';
import {
  SlidingWindowRateLimiter,
  type OperationStats,
} from '../../src/cms/emulator/rate-limiter.js';
import { startCmsEmulator, type CmsEmulator } from '../../src/cms/emulator/server.js';

const account = { params: { accountId: EXAMPLE.accountId } };
const comAccount = { data: [{ accId: EXAMPLE.accountId }] as [{ accId: string }] };

function clientFor(emulator: CmsEmulator): CmsClient {
  return new CmsClient({
    baseUrl: emulator.url,
    apiKey: emulator.apiKey,
    communityId: emulator.communityId,
    timeoutMs: 2_000,
  });
}

async function fillGetAccount(client: CmsClient): Promise<void> {
  for (let i = 0; i < limitPerMinute('getAccount'); i += 1)
    await client.call('getAccount', account);
}

describe('a v1 operation and its v2 twin in the emulator', () => {
  describe('by default', () => {
    let emulator: CmsEmulator;
    let client: CmsClient;

    before(async () => {
      emulator = await startCmsEmulator({ blockSeconds: 0 });
      client = clientFor(emulator);
    });
    beforeEach(() => emulator.limiter.reset());
    after(() => emulator.close());

    it('share one window: 27 getAccount, then v1.getComAccount is the 28th and answered 429', async () => {
      await fillGetAccount(client);
      await assert.rejects(client.call('v1.getComAccount', comAccount), {
        kind: 'rate-limited',
        status: 429,
      });
      const v2Side = await client.call('getAccount', account).then(
        () => assert.fail('the v2 side should be full too'),
        (error: unknown) => error as CmsError,
      );
      assert.match(v2Side.detail, /Rate limit of 27 requests per window exceeded for getAccount\./);
    });

    it("report one stats row for the budget, named after the v2 twin, with each operation's requests", async () => {
      await client.call('v1.getComAccount', comAccount);
      for (let i = 0; i < 26; i += 1) await client.call('getAccount', account);
      await assert.rejects(client.call('getAccount', account), { kind: 'rate-limited' });
      const stats = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as {
        separateTwins: boolean;
        operations: OperationStats[];
      };
      assert.equal(stats.separateTwins, false);
      assert.deepEqual(
        stats.operations.map(
          ({ operation, limit, requests, rateLimited, maxInWindow, requestsByOperation }) => ({
            operation,
            limit,
            requests,
            rateLimited,
            maxInWindow,
            requestsByOperation,
          }),
        ),
        [
          {
            operation: 'getAccount',
            limit: 27,
            requests: 28,
            rateLimited: 1,
            maxInWindow: 28,
            requestsByOperation: { 'v1.getComAccount': 1, getAccount: 27 },
          },
        ],
      );
    });
  });

  it('are metered apart with separateTwins, each at the twin limit', async () => {
    const emulator = await startCmsEmulator({ blockSeconds: 0, separateTwins: true });
    try {
      const client = clientFor(emulator);
      await fillGetAccount(client);
      await client.call('v1.getComAccount', comAccount);
      const rows = emulator.limiter.stats().map(({ operation, limit, requests, rateLimited }) => ({
        operation,
        limit,
        requests,
        rateLimited,
      }));
      assert.deepEqual(rows, [
        { operation: 'getAccount', limit: 27, requests: 27, rateLimited: 0 },
        { operation: 'v1.getComAccount', limit: 27, requests: 1, rateLimited: 0 },
      ]);
    } finally {
      await emulator.close();
    }
  });

  it('refuses at start a v1 limit override for a twinned operation', async () => {
    await assert.rejects(
      startCmsEmulator({ v1Limits: { 'v1.getComAccount': 5 } }),
      /"v1\.getComAccount" shares the budget of its v2 twin getAccount/,
    );
  });
});

describe('SlidingWindowRateLimiter with twins', () => {
  it('frees a shared slot for either twin once the oldest request slides out', () => {
    let now = 0;
    const limiter = new SlidingWindowRateLimiter({
      windowMs: 1_000,
      blockMs: 0,
      limitFor: () => 2,
      clock: () => now,
    });
    assert.ok(limiter.admit('c', 'getAccount').admitted);
    now = 500;
    assert.ok(limiter.admit('c', 'v1.getComAccount').admitted);
    assert.deepEqual(limiter.admit('c', 'getAccount'), {
      admitted: false,
      retryAfterMs: 500,
      blocked: false,
      budget: 'getAccount',
      limit: 2,
    });
    now = 1_000.5;
    assert.ok(limiter.admit('c', 'v1.getComAccount').admitted, 'the first request left the window');
    assert.equal(limiter.admit('c', 'getAccount').admitted, false, 'the second is still in it');
    assert.ok(limiter.admit('c', 'getCommunity').admitted, 'another budget is untouched');
  });
});
