import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CmsClient } from '../../src/cms/client.js';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import { startCmsEmulator, type CmsEmulator } from '../../src/cms/emulator/server.js';

const officer = SANDBOX_MEMBERS.officer;
const civilian = SANDBOX_MEMBERS.civilian;

/** Requests sent as raw HTTP, past the client's own validation, so the emulator's answer shows. */
describe('CMS emulator answers as the docs say', () => {
  let emulator: CmsEmulator;
  let client: CmsClient;

  const v2 = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${emulator.apiKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as { detail?: string; data?: unknown },
    };
  };
  const v1 = async (path: string, type: string, data: unknown) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method: 'POST',
      body: JSON.stringify({ id: emulator.communityId, key: emulator.apiKey, type, data }),
    });
    return { status: response.status, text: await response.text() };
  };

  before(async () => {
    emulator = await startCmsEmulator();
    client = new CmsClient({
      baseUrl: emulator.url,
      apiKey: emulator.apiKey,
      communityId: emulator.communityId,
      timeoutMs: 2_000,
    });
  });
  beforeEach(() => emulator.reset());
  after(() => emulator.close());

  it('accepts Activity Tracker Server Start with the empty body the SDKs send, or none, and refuses any content', async () => {
    assert.equal((await v2('POST', '/v2/community/servers/1/activity/start', {})).status, 200);
    assert.equal((await v2('POST', '/v2/community/servers/1/activity/start')).status, 200);
    assert.deepEqual(
      await client.call('activityTrackerServerStart', { params: { serverId: 1 }, body: {} }),
      [],
    );
    const refused = await v2('POST', '/v2/community/servers/1/activity/start', { serverId: 1 });
    assert.equal(refused.status, 400);
    assert.match(refused.body.detail ?? '', /body: Unrecognized key: "serverId"/);
  });

  it('refuses Clock Account without accId or type, naming the field', async () => {
    const path = `/v2/community/accounts/${civilian}/clock`;
    const noAccId = await v2('POST', path, { intention: 'in', type: 'patrol' });
    assert.deepEqual(
      [noAccId.status, noAccId.body.detail],
      [400, 'Invalid request: body.accId: is required'],
    );
    const noType = await v2('POST', path, { accId: civilian, intention: 'in' });
    assert.deepEqual(
      [noType.status, noType.body.detail],
      [400, 'Invalid request: body.type: is required'],
    );
    const otherAccount = await v2('POST', path, {
      accId: officer,
      intention: 'in',
      type: 'patrol',
    });
    assert.deepEqual(
      [otherAccount.status, otherAccount.body.detail],
      [400, 'accId in the body does not match the route.'],
    );
    const unknownType = await v2('POST', path, { accId: civilian, intention: 'out', type: 'nap' });
    assert.deepEqual(
      [unknownType.status, unknownType.body.detail],
      [400, 'Unknown clock-in type "nap".'],
    );
    assert.equal(
      (await v2('POST', path, { accId: civilian, intention: 'in', type: 'patrol' })).status,
      200,
    );
  });

  it('refuses Get Current Clock In without exactly one identifier, and answers by any one of them', async () => {
    const path = `/v2/community/accounts/${officer}/clock/current`;
    const none = await v2('GET', path);
    assert.deepEqual(
      [none.status, none.body.detail],
      [
        400,
        'Invalid request: query: is required: give exactly one of accId, apiId, username, discordId, uniqueId',
      ],
    );
    const two = await v2('GET', `${path}?accId=${officer}&username=dpark`);
    assert.deepEqual(
      [two.status, two.body.detail],
      [
        400,
        'Invalid request: query: give exactly one of accId, apiId, username, discordId, uniqueId',
      ],
    );
    const someoneElse = await v2('GET', `${path}?accId=${civilian}`);
    assert.deepEqual(
      [someoneElse.status, someoneElse.body.detail],
      [400, 'The query identifier names another account than the route.'],
    );
    // The seeded officer is on patrol; every identifier finds the same open clock.
    for (const query of [`accId=${officer}`, 'discordId=402817365912837120', 'username=dpark']) {
      const answer = await v2('GET', `${path}?${query}`);
      assert.equal(answer.status, 200, query);
      assert.equal((answer.body.data as { type?: string }).type, 'patrol', query);
    }
  });

  it('answers the v1 session lines SESSION_ERROR and INVALID_SERVER with 400, as the v1 pages list them', async () => {
    assert.deepEqual(await v1('/sessions/get_current', 'GET_CURRENT_SESSION', [{ serverId: 1 }]), {
      status: 400,
      text: 'SESSION_ERROR',
    });
    assert.deepEqual(
      await v1('/sessions/start', 'START_SESSION', [{ serverId: 99, accId: officer }]),
      { status: 400, text: 'INVALID_SERVER' },
    );
    assert.equal(
      (await v1('/sessions/start', 'START_SESSION', [{ serverId: 1, accId: officer }])).status,
      200,
    );
    assert.deepEqual(
      await v1('/sessions/start', 'START_SESSION', [{ serverId: 1, accId: officer }]),
      { status: 400, text: 'SESSION_ERROR' },
    );
    // v2 keeps its own statuses for the same situations.
    assert.equal(
      (await v2('POST', '/v2/community/sessions', { serverId: 1, accId: officer })).status,
      409,
    );
    assert.equal((await v2('GET', '/v2/community/sessions/current?serverId=99')).status, 404);
  });
});
