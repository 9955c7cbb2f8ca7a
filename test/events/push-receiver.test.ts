import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { pushKeyChecker } from '../../src/events/cms/push-key.js';
import {
  accountRemoved,
  accountUpdated,
  PUSH_KEY,
  send,
  startTestReceiver,
  type TestReceiver,
} from './push-helpers.js';

describe('push receiver: the documented events', () => {
  let receiver: TestReceiver;
  before(async () => {
    receiver = await startTestReceiver();
  });
  afterEach(() => {
    receiver.intake.seen.length = 0;
  });
  after(() => receiver.close());

  it("accepts ACCOUNT_UPDATED as the docs show it (times as '2022-02-22 20:28:40.000 -0800')", async () => {
    const answer = await send(receiver.url, { body: accountUpdated() });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { ok: true, stored: true });
    assert.equal(receiver.intake.seen.length, 1);
    const { observation } = receiver.intake.seen[0]!;
    assert.equal(observation.kind, 'state');
    assert.equal(observation.source, 'push');
    assert.deepEqual(observation.kind === 'state' && observation.account, {
      accId: '67ceebae-ee63-43c1-a6a6-5234b2210abf',
      discordId: '235947056630333440',
      name: 'Dawson G.',
      comStatus: true,
      banned: false,
      ranks: ['fc2c3825-df41-4485-ad9a-6c2ac900b4f4', '331d4ece-b582-4c9c-885b-7060341cf482'],
    });
  });

  it('accepts ISO 8601 times too, and refuses a time in neither format, naming the field', async () => {
    const iso = accountUpdated({
      joinDate: '2022-02-23T04:28:40.000Z',
      lastLogin: '2022-02-22T22:43:46-08:00',
    });
    assert.equal((await send(receiver.url, { body: iso })).status, 200);
    const local = await send(receiver.url, { body: accountUpdated({ lastLogin: '22/02/2022' }) });
    assert.equal(local.status, 400);
    assert.match(local.body.error!, /^data\.lastLogin: must be a time/);
    // Without a zone the time would depend on the machine's: refused.
    const zoneless = accountUpdated({ joinDate: '2022-02-22 20:28:40.000' });
    assert.equal((await send(receiver.url, { body: zoneless })).status, 400);
    assert.equal(receiver.intake.seen.length, 1);
  });

  it('accepts ACCOUNT_KICKED and ACCOUNT_BANNED as kicks and bans of the account', async () => {
    for (const [type, kind] of [
      ['ACCOUNT_KICKED', 'kicked'],
      ['ACCOUNT_BANNED', 'banned'],
    ] as const) {
      const answer = await send(receiver.url, { body: accountRemoved(type) });
      assert.equal(answer.status, 200, type);
      const { observation } = receiver.intake.seen.at(-1)!;
      assert.deepEqual(
        { ...observation, at: 0 },
        {
          kind,
          accId: '67ceebae-ee63-43c1-a6a6-5234b2210abf',
          discordId: '235947056630333440',
          source: 'push',
          at: 0,
        },
      );
    }
    assert.equal(receiver.intake.seen.length, 2);
  });

  it('accepts an account without a Discord link (discordId null)', async () => {
    for (const body of [
      accountUpdated({ discordId: null, activeApiIds: [] }),
      accountRemoved('ACCOUNT_BANNED', { discordId: null }),
    ]) {
      assert.equal((await send(receiver.url, { body })).status, 200, body.type);
    }
    assert.deepEqual(
      receiver.intake.seen.map(({ observation }) =>
        observation.kind === 'state' ? observation.account.discordId : observation.discordId,
      ),
      [null, null],
    );
  });

  it('names an event the same way each time it is delivered, whatever the order of its fields', async () => {
    const event = accountUpdated();
    const reordered = {
      data: Object.fromEntries(Object.entries(event.data).reverse()),
      type: event.type,
      key: event.key,
    };
    await send(receiver.url, { body: event });
    await send(receiver.url, { body: reordered });
    await send(receiver.url, { body: accountUpdated({ accName: 'Dawson Green' }) });
    await send(receiver.url, { body: accountRemoved('ACCOUNT_KICKED') });
    await send(receiver.url, { body: accountRemoved('ACCOUNT_BANNED') });
    const keys = receiver.intake.seen.map((seen) => seen.dedupKey);
    assert.equal(keys[0], keys[1]);
    assert.equal(new Set(keys).size, 4, 'a changed name, a kick and a ban are other events');
  });

  it('answers duplicate when the intake already has the event', async () => {
    receiver.intake.answer = async () => 'duplicate';
    try {
      const answer = await send(receiver.url, { body: accountRemoved('ACCOUNT_BANNED') });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { ok: true, duplicate: true });
    } finally {
      receiver.intake.answer = async () => 'stored';
    }
  });
});

describe('push receiver: refusals (nothing is stored)', () => {
  let receiver: TestReceiver;
  before(async () => {
    receiver = await startTestReceiver();
  });
  // Every refusal below must leave the intake untouched.
  afterEach(() => assert.deepEqual(receiver.intake.seen, []));
  after(() => receiver.close());

  it('refuses a wrong key with 401 and logs the refusal without the key', async () => {
    const wrongKey = 'wrong-key-7e3a91c4d2';
    const answer = await send(receiver.url, {
      body: { ...accountRemoved('ACCOUNT_BANNED'), key: wrongKey },
    });
    assert.equal(answer.status, 401);
    assert.equal(answer.body.error, "the key is not this community's API key");
    const line = receiver.logLines().find((entry) => entry.status === 401);
    assert.deepEqual(line && [line.msg, line.reason, line.type, line.ip], [
      'push event refused',
      'wrong key',
      'ACCOUNT_BANNED',
      '127.0.0.1',
    ]);
    const log = receiver.logText();
    assert.ok(!log.includes(wrongKey), 'the wrong key is not logged');
    assert.ok(!log.includes(PUSH_KEY), 'nor the right one');
  });

  it('refuses keys of other lengths and types, and a missing key, with 401 (no crash)', async () => {
    for (const key of [
      '',
      'x',
      PUSH_KEY.slice(0, -1),
      `${PUSH_KEY}x`,
      'k'.repeat(20_000),
      42,
      null,
    ]) {
      const answer = await send(receiver.url, {
        body: { ...accountRemoved('ACCOUNT_KICKED'), key },
      });
      assert.equal(answer.status, 401, `key ${JSON.stringify(key).slice(0, 20)}`);
    }
    const warnings = receiver.logLines().filter((line) => line.status === 401 && line.level === 40);
    assert.equal(warnings.length, 1, 'repeated refusals from an address: one warning a minute');
    const { key: _key, ...keyless } = accountRemoved('ACCOUNT_KICKED');
    assert.equal((await send(receiver.url, { body: keyless })).status, 401);
  });

  it('compares the key in constant time: any length is refused without throwing', () => {
    const matches = pushKeyChecker(PUSH_KEY);
    assert.equal(matches(PUSH_KEY), true);
    for (const other of ['', 'a', `${PUSH_KEY}${PUSH_KEY}`, PUSH_KEY.toUpperCase(), undefined, 7])
      assert.equal(matches(other), false, String(other));
  });

  it('refuses malformed JSON, and JSON that would set a prototype, with 400 and says so', async () => {
    const answer = await send(receiver.url, { body: '{"key": "abc", "type": ' });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'the body is not valid JSON');
    const poisoned = JSON.stringify(accountRemoved('ACCOUNT_BANNED')).replace(
      '{',
      '{"__proto__": {"admin": true}, ',
    );
    assert.equal((await send(receiver.url, { body: poisoned })).status, 400);
  });

  it('refuses a body that is not a JSON object, or is empty, with 400', async () => {
    for (const body of ['[]', 'null', '"text"', '12', '']) {
      const answer = await send(receiver.url, { body });
      assert.equal(answer.status, 400, `body ${body || '(empty)'}`);
      assert.match(answer.body.error!, /JSON object \{key, type, data\}|not valid JSON/);
    }
  });

  it('refuses anything but JSON with 415, text/plain included', async () => {
    const text = JSON.stringify(accountRemoved('ACCOUNT_BANNED'));
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', null]) {
      const answer = await send(receiver.url, { body: text, contentType });
      assert.equal(answer.status, 415, `content type ${contentType}`);
      assert.equal(answer.body.error, 'push events are JSON: send Content-Type: application/json');
    }
    const charset = await send(receiver.url, {
      body: { ...accountRemoved('ACCOUNT_BANNED'), key: 'wrong' },
      contentType: 'application/json; charset=utf-8',
    });
    assert.equal(charset.status, 401, 'JSON with a charset is read (and then judged by its key)');
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const answer = await send(receiver.url, {
      body: accountUpdated({ accName: 'n'.repeat(70_000) }),
    });
    assert.equal(answer.status, 413);
    assert.equal(answer.body.error, 'the body is larger than 65536 bytes');
  });

  it('refuses an unknown type with 400, naming the known ones', async () => {
    const answer = await send(receiver.url, {
      body: { ...accountRemoved('ACCOUNT_BANNED'), type: 'ACCOUNT_DELETED' },
    });
    assert.equal(answer.status, 400);
    assert.equal(
      answer.body.error,
      'unknown event type; expected one of ACCOUNT_UPDATED, ACCOUNT_KICKED, ACCOUNT_BANNED',
    );
    const { type: _type, ...untyped } = accountRemoved('ACCOUNT_BANNED');
    assert.equal((await send(receiver.url, { body: untyped })).status, 400);
  });

  it('refuses an event missing a field (or with a wrong one) with 400 naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [withoutData(accountUpdated(), 'accName'), /^data\.accName: /],
      [withoutData(accountUpdated(), 'accId'), /^data\.accId: /],
      [withoutData(accountUpdated(), 'banned'), /^data\.banned: /],
      [withoutData(accountRemoved('ACCOUNT_BANNED'), 'accountId'), /^data\.accountId: /],
      [withoutData(accountRemoved('ACCOUNT_KICKED'), 'discordId'), /^data\.discordId: /],
      [accountUpdated({ comStatus: 'yes' }), /^data\.comStatus: /],
      [accountUpdated({ discordId: 'not-an-id' }), /^data\.discordId: must be a Discord id/],
      [{ key: PUSH_KEY, type: 'ACCOUNT_KICKED' }, /^data: /],
    ];
    for (const [body, error] of cases) {
      const answer = await send(receiver.url, { body });
      assert.equal(answer.status, 400, String(error));
      assert.match(answer.body.error!, error);
    }
  });

  it('answers other methods with 405 and Allow: POST', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const answer = await send(receiver.url, { method });
      assert.equal(answer.status, 405, method);
      assert.equal(answer.headers.allow, 'POST');
    }
  });
});

describe('push receiver: storing before the answer', () => {
  let receiver: TestReceiver;
  before(async () => {
    receiver = await startTestReceiver({ storeTimeoutMs: 200 });
  });
  after(() => receiver.close());

  it('answers 200 only once the intake has stored the event', async () => {
    let release!: (outcome: 'stored') => void;
    const storing = new Promise<void>((called) => {
      receiver.intake.answer = () => {
        called();
        return new Promise((resolve) => (release = resolve));
      };
    });
    let answered = false;
    const pending = send(receiver.url, { body: accountRemoved('ACCOUNT_KICKED') }).then(
      (answer) => ((answered = true), answer),
    );
    await storing;
    // Another request served meanwhile: an answer that did not wait for storage would be here.
    assert.equal((await send(receiver.url, { method: 'GET' })).status, 405);
    assert.equal(answered, false, 'no answer while the event is being stored');
    release('stored');
    assert.equal((await pending).status, 200);
  });

  it('answers 503 with Retry-After when storing fails or takes too long, logging it once', async () => {
    receiver.intake.answer = () => new Promise(() => {});
    for (let i = 0; i < 2; i += 1) {
      const answer = await send(receiver.url, { body: accountRemoved('ACCOUNT_BANNED') });
      assert.equal(answer.status, 503);
      assert.equal(answer.headers['retry-after'], '5');
      assert.equal(answer.body.error, 'the event could not be stored in time; send it again');
    }
    const stuckLines = receiver.logText().match(/cannot be stored in time/g) ?? [];
    assert.equal(stuckLines.length, 1, 'an outage is one line a minute, not one per event');

    receiver.intake.answer = () => Promise.reject(new Error('READONLY You cannot write'));
    const failed = await send(receiver.url, { body: accountRemoved('ACCOUNT_BANNED') });
    assert.equal(failed.status, 503);
    assert.equal(failed.body.error, 'the event could not be stored; send it again');
    assert.match(receiver.logText(), /READONLY You cannot write/);
  });
});

function withoutData(event: { data: Record<string, unknown> }, field: string) {
  const data = { ...event.data };
  delete data[field];
  return { ...event, data };
}
