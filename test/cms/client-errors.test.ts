import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, beforeEach, describe, it } from 'node:test';
import { EXAMPLE } from '../../src/cms/catalog/examples.js';
import { CmsClient } from '../../src/cms/client.js';
import { CmsError } from '../../src/cms/errors.js';
import { startCmsEmulator, type CmsEmulator } from '../../src/cms/emulator/server.js';
import { freePort } from '../helpers/redis.js';

const account = { params: { accountId: EXAMPLE.accountId } };
const unknownAccount = { params: { accountId: '9f9f9f9f-9f9f-4f9f-9f9f-9f9f9f9f9f9f' } };

async function failure(promise: Promise<unknown>): Promise<CmsError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CmsError, `expected a CmsError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

function clientFor(
  emulator: CmsEmulator,
  overrides: Partial<ConstructorParameters<typeof CmsClient>[0]> = {},
): CmsClient {
  return new CmsClient({
    baseUrl: emulator.url,
    apiKey: emulator.apiKey,
    communityId: emulator.communityId,
    timeoutMs: 2_000,
    ...overrides,
  });
}

describe('CMS client error paths', () => {
  let emulator: CmsEmulator;
  let client: CmsClient;

  before(async () => {
    // A one-second window keeps the rate-limit cases fast; no block unless a case asks for one.
    emulator = await startCmsEmulator({ windowMs: 1_000, blockSeconds: 0 });
    client = clientFor(emulator);
  });
  beforeEach(() => emulator.reset());
  after(() => emulator.close());

  it('turns a wrong v2 key into an auth error (401 problem+json) without leaking the key', async () => {
    const error = await failure(
      clientFor(emulator, { apiKey: 'wrong-key-123456' }).call('getAccount', account),
    );
    assert.equal(error.kind, 'auth');
    assert.equal(error.status, 401);
    assert.equal(error.operation, 'getAccount');
    assert.match(error.message, /^getAccount: 401 Unauthorized/);
    assert.doesNotMatch(error.message, /wrong-key-123456/);
  });

  it('turns a wrong v1 key or community into the documented error line', async () => {
    const badKey = await failure(
      clientFor(emulator, { apiKey: 'nope-nope-nope' }).call('v1.kickAccount', {
        data: [{ accId: EXAMPLE.accountId }],
      }),
    );
    assert.equal(badKey.kind, 'auth');
    assert.equal(badKey.code, 'INVALID API KEY');
    const badCommunity = await failure(
      clientFor(emulator, { communityId: 'someone-else' }).call('v1.getSubVersion', { data: [] }),
    );
    assert.equal(badCommunity.kind, 'auth');
    assert.equal(badCommunity.code, 'INVALID COMMUNITY ID');
    const stats = emulator.limiter.stats();
    assert.equal(
      stats.length,
      0,
      'unauthenticated requests are not counted against the credential',
    );
  });

  it('reports 404 with the CMS detail, for v2 problems and v1 error lines', async () => {
    const v2 = await failure(client.call('getAccount', unknownAccount));
    assert.equal(v2.kind, 'http');
    assert.equal(v2.status, 404);
    assert.match(v2.detail, /No account matches/);
    assert.equal(v2.transient, false);
    const v1 = await failure(
      client.call('v1.getComAccount', { data: [{ discord: '000000000000000001' }] }),
    );
    assert.equal(v1.status, 404);
    assert.equal(v1.code, 'API ID NOT LINKED TO AN ACCOUNT IN THIS COMMUNITY');
  });

  it('answers 429 with Retry-After past the limit, and admits again once the window slides', async () => {
    for (let i = 0; i < 9; i += 1)
      await client.call('getRosterContents', { params: { rosterId: 1 } });
    const error = await failure(client.call('getRosterContents', { params: { rosterId: 1 } }));
    assert.equal(error.kind, 'rate-limited');
    assert.equal(error.status, 429);
    assert.ok(
      error.retryAfterMs !== undefined && error.retryAfterMs >= 1000,
      'Retry-After is whole seconds, at least 1',
    );
    // Another operation has its own budget.
    await client.call('getAccount', account);
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    await client.call('getRosterContents', { params: { rosterId: 1 } });
    const stats = emulator.limiter.stats().find((s) => s.operation === 'getRosterContents');
    assert.deepEqual(
      {
        requests: stats?.requests,
        rateLimited: stats?.rateLimited,
        maxInWindow: stats?.maxInWindow,
      },
      { requests: 11, rateLimited: 1, maxInWindow: 10 },
    );
  });

  it('blocks the whole credential after a 429 when a block is set', async () => {
    const blocking = await startCmsEmulator({ windowMs: 60_000, blockSeconds: 3 });
    try {
      const c = clientFor(blocking);
      for (let i = 0; i < 9; i += 1) await c.call('setServers', { body: { servers: [] } });
      const first = await failure(c.call('setServers', { body: { servers: [] } }));
      assert.equal(first.retryAfterMs, 3000);
      const other = await failure(c.call('getCommunity', {}));
      assert.equal(other.kind, 'rate-limited', 'every operation of the credential is blocked');
      assert.ok(other.retryAfterMs! >= 1000 && other.retryAfterMs! <= 3000);
      const stats = (await (await fetch(`${blocking.url}/__emulator/stats`)).json()) as {
        blockedCredentials: unknown[];
      };
      assert.equal(stats.blockedCredentials.length, 1);
    } finally {
      await blocking.close();
    }
  });

  it('reports injected 5xx answers as transient http errors', async () => {
    emulator.faults.set({ errorRate: 1, operations: ['getAccount'] });
    const error = await failure(client.call('getAccount', account));
    assert.equal(error.kind, 'http');
    assert.equal(error.status, 503);
    assert.equal(error.transient, true);
    await client.call('getCommunity', {});
  });

  it('adds injected latency to every answer', async () => {
    emulator.faults.set({ latencyMs: 150, operations: ['getCommunity'] });
    const started = performance.now();
    await client.call('getCommunity', {});
    assert.ok(
      performance.now() - started >= 145,
      'the answer came no sooner than the added latency',
    );
  });

  it('times out a request that never answers', async () => {
    emulator.faults.set({ hangRate: 1, operations: ['getAccount'] });
    const started = Date.now();
    const error = await failure(client.call('getAccount', account, { timeoutMs: 200 }));
    assert.equal(error.kind, 'timeout');
    assert.equal(error.transient, true);
    assert.ok(Date.now() - started < 2_000);
  });

  it('names the operation and the field when an answer breaks its schema', async () => {
    emulator.faults.set({ malformedRate: 1, operations: ['getAccount'] });
    const error = await failure(client.call('getAccount', account));
    assert.equal(error.kind, 'invalid-response');
    assert.equal(error.operation, 'getAccount');
    assert.equal(error.field, 'data.accId');
    assert.match(
      error.message,
      /getAccount: the CMS answer does not match the documented shape: data\.accId/,
    );
  });

  it('rejects bad input before sending anything', async () => {
    const body = { accId: EXAMPLE.accountId, intention: 'sideways' as 'in', type: 'patrol' };
    const error = await failure(
      client.call('clockAccount', { params: { accountId: EXAMPLE.accountId }, body }),
    );
    assert.equal(error.kind, 'invalid-input');
    assert.equal(error.field, 'input.body.intention');
    assert.equal(emulator.limiter.stats().length, 0, 'nothing reached the CMS');
  });

  it('reports a refused connection as a network error', async () => {
    const port = await freePort();
    const error = await failure(
      new CmsClient({
        baseUrl: `http://127.0.0.1:${port}`,
        apiKey: 'k',
        communityId: 'c',
        timeoutMs: 1000,
      }).call('getCommunity', {}),
    );
    assert.equal(error.kind, 'network');
    assert.equal(error.transient, true);
  });

  it('round-trips through JSON, so a worker in another process can hand it back', () => {
    const original = new CmsError({
      kind: 'rate-limited',
      operation: 'getAccount',
      message: '429 Too Many Requests',
      status: 429,
      retryAfterMs: 4000,
    });
    const copy = CmsError.fromJSON(JSON.parse(JSON.stringify(original)));
    assert.deepEqual(copy.toJSON(), original.toJSON());
    assert.equal(copy.message, original.message);
  });
});
