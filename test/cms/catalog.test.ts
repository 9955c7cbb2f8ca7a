import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  budgetName,
  DEFAULT_V1_LIMIT_PER_MINUTE,
  getOperation,
  isOperationName,
  limitPerMinute,
  listOperations,
  type OperationName,
  v1LimitOverrideProblem,
} from '../../src/cms/catalog/index.js';

const operations = listOperations();
const v2 = operations.filter((op) => op.version === 'v2');
const v1 = operations.filter((op) => op.version === 'v1');

describe('CMS catalog', () => {
  it('holds all 57 v2 operations, each a distinct method and path', () => {
    assert.equal(v2.length, 57);
    const routes = new Set(v2.map((op) => `${op.method} ${op.path}`));
    assert.equal(routes.size, 57);
    for (const op of v2) assert.match(op.path, /^\/v2\/community(\/|$)/, op.name);
  });

  it('holds every v1 operation, kick and ban included, each a distinct path and type', () => {
    assert.equal(v1.length, 33);
    assert.equal(new Set(v1.map((op) => op.path)).size, 33);
    assert.equal(new Set(v1.map((op) => op.type)).size, 33);
    assert.ok(isOperationName('v1.kickAccount') && isOperationName('v1.banAccount'));
    assert.ok(!v2.some((op) => /kick|ban/i.test(op.name)), 'kick and ban exist only in v1');
  });

  it('gives every v2 operation one of the documented limits (9 to 27 per minute)', () => {
    for (const op of v2)
      assert.ok(
        [9, 13, 18, 22, 27].includes(op.limitPerMinute),
        `${op.name}: ${op.limitPerMinute}`,
      );
    assert.equal(limitPerMinute('getRosterContents'), 9);
    assert.equal(limitPerMinute('getAccount'), 27);
    assert.equal(limitPerMinute('clockAccount'), 22);
  });

  it("meters a v1 operation with a v2 twin in the twin's budget, and every other operation in its own", () => {
    for (const op of v1) {
      if (op.limitLike === null) continue;
      assert.ok(
        isOperationName(op.limitLike) && getOperation(op.limitLike).version === 'v2',
        `${op.name} borrows from ${op.limitLike}`,
      );
      assert.equal(budgetName(op.name), op.limitLike, op.name);
      assert.equal(limitPerMinute(op.name), limitPerMinute(op.limitLike as OperationName));
    }
    for (const op of v2) assert.equal(budgetName(op.name), op.name);
    assert.equal(budgetName('v1.getComAccount'), 'getAccount');
    assert.equal(budgetName('v1.kickAccount'), 'v1.kickAccount', 'kick has no twin');
    assert.equal(limitPerMinute('v1.clockInOut'), limitPerMinute('clockAccount'));
  });

  it('lets configuration override only v1 operations without a twin, and refuses the rest by name', () => {
    assert.equal(limitPerMinute('v1.kickAccount'), DEFAULT_V1_LIMIT_PER_MINUTE);
    assert.equal(limitPerMinute('v1.banAccount'), 9);
    assert.equal(limitPerMinute('v1.banAccount', { 'v1.banAccount': 4 }), 4);
    assert.equal(
      limitPerMinute('getAccount', { 'v1.banAccount': 4 }),
      27,
      'overrides touch v1 only',
    );
    assert.equal(v1LimitOverrideProblem('v1.kickAccount'), null);
    assert.match(
      v1LimitOverrideProblem('v1.getComAccount') ?? '',
      /shares the budget of its v2 twin getAccount \(27\/min\)/,
    );
    assert.match(v1LimitOverrideProblem('getAccount') ?? '', /not a v1 operation/);
    // A twin's override would give one budget two limits, so every reader of limits refuses it.
    assert.throws(
      () => limitPerMinute('v1.getComAccount', { 'v1.getComAccount': 5 }),
      /v1\.getComAccount" shares the budget of its v2 twin getAccount/,
    );
    assert.throws(
      () => limitPerMinute('getAccount', { 'v1.getComAccount': 5 }),
      /Invalid v1 limit override/,
    );
  });

  it("accepts each operation's own docs example and rejects malformed input", () => {
    for (const op of operations) {
      const parsed = op.input.safeParse(op.example);
      assert.ok(parsed.success, `${op.name}: ${parsed.success ? '' : parsed.error.message}`);
    }
    assert.equal(
      getOperation('getAccount').input.safeParse({ params: { accountId: 'not-a-uuid' } }).success,
      false,
    );
    assert.equal(
      getOperation('clockAccount').input.safeParse({
        params: { accountId: '00000000-0000-0000-0000-000000000000' },
        body: { intention: 'sideways' },
      }).success,
      false,
    );
    assert.equal(
      getOperation('searchAccounts').input.safeParse({ query: { username: 'a', discord: '1' } })
        .success,
      false,
      'exactly one identifier',
    );
    assert.equal(
      getOperation('v1.kickAccount').input.safeParse({ data: [{}] }).success,
      false,
      'v1 needs an identifier',
    );
  });

  it('requires what the pages mark required: clockAccount accId, intention and type; one getCurrentClockIn identifier', () => {
    const accountId = '00000000-0000-0000-0000-000000000000';
    const clock = getOperation('clockAccount').input;
    for (const missing of ['accId', 'intention', 'type']) {
      const body: Record<string, string> = { accId: accountId, intention: 'in', type: 'patrol' };
      delete body[missing];
      const parsed = clock.safeParse({ params: { accountId }, body });
      assert.ok(!parsed.success, `${missing} is required`);
      assert.deepEqual(
        parsed.error.issues.map((i) => [i.path.join('.'), i.message]),
        [[`body.${missing}`, 'is required']],
      );
    }
    const current = getOperation('getCurrentClockIn').input;
    const refusal = (query: unknown) => {
      const parsed = current.safeParse({
        params: { accountId },
        ...(query === undefined ? {} : { query }),
      });
      return parsed.success
        ? 'accepted'
        : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    };
    assert.equal(
      refusal(undefined),
      'query: is required: give exactly one of accId, apiId, username, discordId, uniqueId',
    );
    assert.equal(
      refusal({}),
      'query: give exactly one of accId, apiId, username, discordId, uniqueId',
    );
    assert.equal(
      refusal({ accId: accountId, username: 'ExampleUser' }),
      'query: give exactly one of accId, apiId, username, discordId, uniqueId',
    );
    for (const query of [
      { accId: accountId },
      { apiId: 'x' },
      { username: 'u' },
      { discordId: '1' },
      { uniqueId: '1001' },
    ])
      assert.equal(refusal(query), 'accepted');
  });

  it('accepts Activity Tracker Server Start with no body or the empty object the SDKs send, and nothing else', () => {
    const input = getOperation('activityTrackerServerStart').input;
    assert.ok(input.safeParse({ params: { serverId: 1 } }).success);
    assert.ok(input.safeParse({ params: { serverId: 1 }, body: {} }).success);
    assert.equal(
      input.safeParse({ params: { serverId: 1 }, body: { serverId: 1 } }).success,
      false,
    );
  });

  it('marks reads idempotent and toggles or creations not', () => {
    for (const op of v2.filter((o) => o.method === 'GET')) assert.ok(op.idempotent, op.name);
    assert.ok(
      getOperation('clockAccount').idempotent,
      'an explicit clock intention is safe to repeat',
    );
    for (const name of [
      'createRsvp',
      'addMemberRecord',
      'v1.clockInOut',
      'v1.rsvp',
      'startSession',
    ] as const) {
      assert.equal(getOperation(name).idempotent, false, name);
    }
  });
});
