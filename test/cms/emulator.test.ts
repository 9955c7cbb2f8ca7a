import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { EXAMPLE } from '../../src/cms/catalog/examples.js';
import { CmsClient } from '../../src/cms/client.js';
import type { OperationStats } from '../../src/cms/emulator/rate-limiter.js';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import { startCmsEmulator, type CmsEmulator } from '../../src/cms/emulator/server.js';
import { parseCmsTimestamp } from '../../src/events/cms/timestamps.js';
import { startPushReceiver } from '../helpers/push-receiver.js';

const officer = SANDBOX_MEMBERS.officer;
const civilian = SANDBOX_MEMBERS.civilian;

describe('CMS emulator', () => {
  let emulator: CmsEmulator;
  let client: CmsClient;
  let receiver: Awaited<ReturnType<typeof startPushReceiver>>;

  before(async () => {
    receiver = await startPushReceiver();
    emulator = await startCmsEmulator({ pushUrl: receiver.url });
    client = new CmsClient({
      baseUrl: emulator.url,
      apiKey: emulator.apiKey,
      communityId: emulator.communityId,
      timeoutMs: 2_000,
    });
  });
  beforeEach(() => {
    emulator.reset();
    receiver.received.length = 0;
  });
  after(async () => {
    await emulator.close();
    await receiver.close();
  });

  describe('a seeded community', () => {
    it('has departments with ranks, members linked by Discord id, servers and a whitelist', async () => {
      const departments = await client.call('getDepartments', {});
      assert.ok(departments.length >= 4);
      assert.ok(departments.every((d) => d.ranks.length > 0));
      const found = await client.call('searchAccounts', {
        query: { discord: '402817365912837120' },
      });
      assert.equal(found.items[0]?.accName, 'Daniel Park');
      const { servers } = await client.call('getServers', {});
      assert.ok(servers.length >= 2);
      const whitelist = await client.call('getFullWhitelist', { params: { serverId: 1 } });
      assert.ok(whitelist.some((entry) => entry.apiIds.includes('discord:402817365912837120')));
      assert.ok(
        !whitelist.some((entry) => entry.name === 'Rick Voss'),
        'the banned member is not whitelisted',
      );
      const accounts = await client.call('getAccounts', { query: { banned: true } });
      assert.deepEqual(
        accounts.items.map((a) => a.accName),
        ['Rick Voss'],
      );
    });
  });

  describe('writes change what later reads return', () => {
    it('clocking in shows in Get Current Clock In, and clocking out clears it', async () => {
      const current = () =>
        client.call('getCurrentClockIn', {
          params: { accountId: civilian },
          query: { accId: civilian },
        });
      assert.equal(await current(), 'Not Clocked In');
      const row = await client.call('clockAccount', {
        params: { accountId: civilian },
        body: { accId: civilian, intention: 'in', type: 'patrol' },
      });
      assert.ok(row !== true && row.completed === false);
      const open = await current();
      assert.ok(typeof open === 'object' && open.id === row.id && open.type === 'patrol');
      const again = await client.call('clockAccount', {
        params: { accountId: civilian },
        body: { accId: civilian, intention: 'in', type: 'patrol' },
      });
      assert.equal(again, true, 'clocking in twice writes nothing');
      assert.equal(
        await client.call('v1.clockInOut', { data: [{ discord: '734918273645019283' }] }),
        'CLOCKED OUT',
      );
      assert.equal(
        await client.call('v1.getCurrentClockIn', { data: { accId: civilian } }),
        'Not Clocked In',
      );
    });

    it('a ban shows as banned: true and takes the member off the whitelist', async () => {
      await client.call('verifyWhitelist', { params: { serverId: 1 }, body: { accId: officer } });
      await client.call('v1.banAccount', { data: [{ discord: '402817365912837120' }] });
      const account = await client.call('getAccount', { params: { accountId: officer } });
      assert.equal(account.banned, true);
      await assert.rejects(
        client.call('verifyWhitelist', { params: { serverId: 1 }, body: { accId: officer } }),
        /403/,
      );
      assert.equal(
        await client
          .call('v1.verifyWhitelist', { data: [{ accId: officer }] })
          .catch((e: Error) => e.message),
        'v1.verifyWhitelist: 404 NOT ALLOWED ON WHITELIST',
      );
    });

    it('a kick takes the member out of the community and leaves their Sonoran-wide status', async () => {
      assert.equal(
        await client.call('v1.kickAccount', { data: [{ accId: officer }] }),
        'ACCOUNT KICKED',
      );
      const account = await client.call('getAccount', { params: { accountId: officer } });
      const { comStatus, sysStatus, ranks } = account;
      assert.deepEqual(
        { comStatus, sysStatus, ranks },
        { comStatus: false, sysStatus: true, ranks: [] },
      );
      assert.equal(
        await client.call('getCurrentClockIn', {
          params: { accountId: officer },
          query: { accId: officer },
        }),
        'Not Clocked In',
        'the open clock closed',
      );
      await assert.rejects(
        client.call('verifyWhitelist', { params: { serverId: 1 }, body: { accId: officer } }),
        /403/,
      );
    });

    it('a ban marks the account banned and out of the community, and leaves its Sonoran-wide status', async () => {
      assert.equal(
        await client.call('v1.banAccount', { data: [{ accId: civilian }] }),
        'ACCOUNT BANNED',
      );
      const { banned, comStatus, sysStatus } = await client.call('getAccount', {
        params: { accountId: civilian },
      });
      assert.deepEqual(
        { banned, comStatus, sysStatus },
        { banned: true, comStatus: false, sysStatus: true },
      );
    });

    it('rank changes, records, RSVPs and form locks read back', async () => {
      await client.call('setAccountRanks', {
        params: { accountId: civilian },
        body: { add: [EXAMPLE.rankId] },
      });
      assert.ok(
        (await client.call('getAccountRanks', { params: { accountId: civilian } })).includes(
          EXAMPLE.rankId,
        ),
      );
      await assert.rejects(
        client.call('setAccountRanks', {
          params: { accountId: civilian },
          body: { add: ['not-a-rank'] },
        }),
        /Unknown rank/,
      );

      const before = await client.call('getMemberPoints', { params: { accountId: civilian } });
      await client.call('addMemberRecord', {
        params: { accountId: civilian },
        body: { points: 4, reason: 'Fail RP' },
      });
      assert.equal(
        await client.call('getMemberPoints', { params: { accountId: civilian } }),
        before + 4,
      );

      assert.equal(
        await client.call('createRsvp', {
          params: { eventId: EXAMPLE.eventId },
          body: { accId: civilian },
        }),
        'RSVP_SUCCESS',
      );
      assert.equal(
        await client.call('createRsvp', {
          params: { eventId: EXAMPLE.eventId },
          body: { accId: civilian },
        }),
        'UNRSVP_SUCCESS',
      );

      await client.call('setFormLockStatus', { params: { templateId: 1 }, body: { state: true } });
      assert.equal(await client.call('getFormLockStatus', { params: { templateId: 1 } }), true);
      assert.equal(await client.call('v1.getFormLockStatus', { data: [{ templateId: 1 }] }), true);
    });

    it('a session runs from start to stop, and a second start is refused', async () => {
      await client.call('startSession', { body: { serverId: 1, accId: officer } });
      await assert.rejects(
        client.call('startSession', { body: { serverId: 1, accId: officer } }),
        /409/,
      );
      const running = await client.call('getCurrentSession', { query: { serverId: 1 } });
      assert.equal(running.startedBy, officer);
      const stopped = await client.call('stopSession', { body: { serverId: 1, accId: officer } });
      assert.equal(stopped.endedBy, officer);
      await assert.rejects(client.call('getCurrentSession', { query: { serverId: 1 } }), /404/);
    });
  });

  describe('push events', () => {
    it('POSTs ACCOUNT_KICKED, ACCOUNT_BANNED and ACCOUNT_UPDATED with the community key, in order', async () => {
      await client.call('v1.kickAccount', { data: [{ accId: officer }] });
      await client.call('v1.banAccount', { data: [{ accId: SANDBOX_MEMBERS.dispatcher }] });
      await client.call('setAccountRanks', {
        params: { accountId: civilian },
        body: { add: [EXAMPLE.rankId] },
      });
      await emulator.push!.idle();
      assert.deepEqual(
        receiver.received.map((e) => e.type),
        ['ACCOUNT_KICKED', 'ACCOUNT_BANNED', 'ACCOUNT_UPDATED'],
      );
      assert.ok(receiver.received.every((e) => e.key === emulator.apiKey));
      assert.deepEqual(receiver.received[0]!.data, {
        discordId: '402817365912837120',
        accountId: officer,
      });
      const updated = receiver.received[2]!.data;
      assert.equal(updated.accId, civilian);
      assert.equal(updated.discordId, '734918273645019283');
      assert.deepEqual(
        [updated.primaryRank, ...(updated.secondaryRanks as string[])].sort(),
        [EXAMPLE.rankId, 'e8d7c6b5-a4f3-4e2d-9c1b-0a9f8e7d6c40'].sort(),
      );
    });

    it("writes ACCOUNT_UPDATED's joinDate and lastLogin as the docs do; the v1 API keeps ISO", async () => {
      await client.call('setAccountRanks', {
        params: { accountId: civilian },
        body: { add: [EXAMPLE.rankId] },
      });
      await emulator.push!.idle();
      const { joinDate, lastLogin } = receiver.received[0]!.data as Record<string, string>;
      const docsFormat = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} [+-]\d{4}$/;
      assert.match(joinDate!, docsFormat);
      assert.match(lastLogin!, docsFormat);
      const account = emulator.community.findAccount({ accId: civilian })!;
      assert.equal(parseCmsTimestamp(joinDate!), Date.parse(account.joinDate));
      assert.equal(parseCmsTimestamp(lastLogin!), Date.parse(account.lastLogin!));
      const v1 = await client.call('v1.getComAccount', { data: [{ accId: civilian }] });
      assert.equal(v1.joinDate, account.joinDate, 'the API answers ISO as before');
      assert.match(v1.joinDate, /T.*Z$/);
    });

    it('sends them for web-panel actions made through the admin API too', async () => {
      const post = (path: string, method = 'POST', body?: unknown) =>
        fetch(`${emulator.url}/__emulator${path}`, {
          method,
          body: body === undefined ? undefined : JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        });
      const deliveredBefore = emulator.push!.stats().delivered;
      assert.equal((await post(`/accounts/${officer}/ban`)).status, 200);
      assert.equal(
        (await post(`/accounts/${civilian}`, 'PATCH', { accName: 'Thomas Brooks' })).status,
        200,
      );
      const idle = (await (await fetch(`${emulator.url}/__emulator/push/idle`)).json()) as {
        delivered: number;
      };
      assert.equal(idle.delivered - deliveredBefore, 2);
      assert.deepEqual(
        receiver.received.map((e) => e.type),
        ['ACCOUNT_BANNED', 'ACCOUNT_UPDATED'],
      );
      assert.equal(receiver.received[1]!.data.accName, 'Thomas Brooks');
      assert.equal((await post(`/accounts/${civilian}`, 'PATCH', { accName: '' })).status, 400);
    });

    it('does not repeat a kick or a ban for an account already out, through the API or the web panel', async () => {
      await client.call('v1.kickAccount', { data: [{ accId: officer }] });
      assert.equal(
        await client.call('v1.kickAccount', { data: [{ accId: officer }] }),
        'ACCOUNT KICKED',
        'a repeat answers the same line',
      );
      assert.equal(
        (await fetch(`${emulator.url}/__emulator/accounts/${officer}/kick`, { method: 'POST' }))
          .status,
        200,
      );
      await client.call('v1.banAccount', { data: [{ accId: civilian }] });
      await client.call('v1.banAccount', { data: [{ accId: civilian }] });
      await emulator.push!.idle();
      assert.deepEqual(
        receiver.received.map((e) => e.type),
        ['ACCOUNT_KICKED', 'ACCOUNT_BANNED'],
      );
      const { sysStatus } = await client.call('getAccount', { params: { accountId: officer } });
      assert.equal(sysStatus, true);
    });

    it('leaves an applicant who never joined alone: no kick event', async () => {
      await client.call('v1.kickAccount', { data: [{ accId: SANDBOX_MEMBERS.applicant }] });
      await emulator.push!.idle();
      assert.equal(receiver.received.length, 0);
    });
  });

  describe('rate limiting and stats', () => {
    it('admits exactly the limit within one sliding window and reports the largest window seen', async () => {
      const tight = await startCmsEmulator({ windowMs: 2_000, blockSeconds: 0 });
      try {
        const c = new CmsClient({
          baseUrl: tight.url,
          apiKey: tight.apiKey,
          communityId: tight.communityId,
          timeoutMs: 2_000,
        });
        const results = await Promise.allSettled(
          Array.from({ length: 12 }, () => c.call('getDepartments', {})),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 12);
        const overflow = await Promise.allSettled(
          Array.from({ length: 3 }, () => c.call('getDepartments', {})),
        );
        assert.deepEqual(
          overflow.map((r) => r.status),
          ['fulfilled', 'rejected', 'rejected'],
        );
        const stats = (await (await fetch(`${tight.url}/__emulator/stats`)).json()) as {
          windowMs: number;
          operations: OperationStats[];
        };
        assert.equal(stats.windowMs, 2_000);
        const row = stats.operations.find((s) => s.operation === 'getDepartments');
        assert.deepEqual(
          { ...row, credential: undefined },
          {
            credential: undefined,
            operation: 'getDepartments',
            requests: 15,
            rateLimited: 2,
            limit: 13,
            maxInWindow: 15,
            requestsByOperation: { getDepartments: 15 },
          },
        );
        assert.doesNotMatch(
          JSON.stringify(stats),
          new RegExp(tight.apiKey),
          'stats name the credential by fingerprint only',
        );
      } finally {
        await tight.close();
      }
    });
  });
});
