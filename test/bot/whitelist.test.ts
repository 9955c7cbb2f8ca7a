import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EmulatedMessage } from '../../src/dev/discord-emulator/index.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/queue-harness.js';

const { users, roles } = SANDBOX_GUILD;
const EPHEMERAL = 64;
const MAIN = 1;
const ERLC = 2;
/** Kira Owens: a seeded CMS account that is no longer an active member (comStatus false). */
const APPLICANT = { id: '845019283746501928', username: 'kowens', globalName: 'Kira Owens' };
/** A member made by the test: an account with no rank, so only the ER:LC server (no rank needed) lets them in. */
const ROOKIE = { id: '1200000000000000001', username: 'prookie', globalName: 'Pat Rookie' };

interface Button {
  custom_id: string;
  label: string;
  disabled?: boolean;
}
const buttons = (message: EmulatedMessage) =>
  (message.components as { components: Button[] }[]).flatMap((row) => row.components);
const button = (message: EmulatedMessage, label: RegExp) => {
  const found = buttons(message).find((b) => label.test(b.label));
  assert.ok(found, `a button labelled ${label}`);
  return found;
};
const footer = (message: EmulatedMessage) => message.embeds[0]?.footer?.text ?? '';
const description = (message: EmulatedMessage) => message.embeds[0]?.description ?? '';

describe('/whitelist', () => {
  let harness: BotHarness;

  const listKey = (serverId: number) =>
    `${harness.bot.context.namespace}:cache:whitelist:${serverId}`;
  const requests = (operation: string) =>
    harness.cms.limiter
      .stats()
      .reduce((sum, row) => sum + (row.requestsByOperation[operation] ?? 0), 0);
  const check = (user: string, options: Record<string, string> = {}) =>
    harness
      .slash({ user, name: 'whitelist', subcommand: 'check', options })
      .reply((m) => !m.content.startsWith('⏳'));

  before(async () => {
    harness = await startBotHarness();
    const { community } = harness.cms;
    const rookie = community.createAccount({ username: ROOKIE.username, discordId: ROOKIE.id });
    community.updateAccount(rookie, { accName: 'Pat Rookie', ranks: [] });
    for (const member of [APPLICANT, ROOKIE])
      harness.discord.addMember({ ...member, roles: [roles.member] });
    // Enough members for two pages of /whitelist list, there from the start so every copy has them.
    for (let i = 10; i < 22; i += 1)
      community.createAccount({ username: `Recruit ${i}`, discordId: `120000000000000${i}00` });
  });
  after(() => harness.stop());

  it('tells a linked member they are whitelisted on the default server, privately', async () => {
    const reply = await check(users.officer);
    assert.equal(reply.flags & EPHEMERAL, EPHEMERAL);
    assert.match(
      reply.content,
      /^✅ You are whitelisted on \*\*Main Server\*\* \(CMS account \*\*Daniel Park\*\*\)/,
    );
    // Each use keeps that server's full list in Redis, for when the CMS cannot answer.
    await waitFor(
      async () => (await harness.bot.context.redis.exists(listKey(MAIN))) === 1,
      10_000,
      'the full whitelist of the main server in Redis',
    );
  });

  it('says "not whitelisted" when the CMS refuses, per server', async () => {
    const applicant = await check(APPLICANT.id);
    assert.match(applicant.content, /^❌ You are \*\*not\*\* whitelisted on \*\*Main Server\*\*/);
    assert.doesNotMatch(applicant.content, /could not answer/);

    const main = await check(ROOKIE.id, { server: String(MAIN) });
    assert.match(main.content, /^❌ You are \*\*not\*\* whitelisted on \*\*Main Server\*\*/);
    const erlc = await check(ROOKIE.id, { server: 'er:lc server' });
    assert.match(erlc.content, /^✅ You are whitelisted on \*\*ER:LC Server\*\*/, 'by name too');
  });

  it('lets staff check another member, and refuses a non-staff member before asking the CMS', async () => {
    const staff = await check(users.staff, { member: users.officer });
    assert.match(
      staff.content,
      new RegExp(`^✅ <@${users.officer}> is whitelisted on \\*\\*Main Server\\*\\*.*Daniel Park`),
    );
    const notListed = await check(users.staff, { member: APPLICANT.id, server: String(ERLC) });
    assert.match(notListed.content, new RegExp(`^❌ <@${APPLICANT.id}> is \\*\\*not\\*\\*`));
    const unlinked = await check(users.staff, { member: users.unlinked });
    assert.match(unlinked.content, /has not linked their Discord to a Sonoran CMS account/);

    const before = requests('verifyWhitelist');
    const refused = await check(users.civilian, { member: users.officer });
    assert.match(refused.content, /^Only staff can check another member's whitelist/);
    assert.equal(requests('verifyWhitelist'), before, 'the CMS was not asked');
    // Naming yourself is not "another member".
    const self = await check(users.civilian, { member: users.civilian });
    assert.match(self.content, /^✅ You are whitelisted/);
  });

  it('tells an unlinked member how to link, and refuses a server the community does not have', async () => {
    const unlinked = await check(users.unlinked);
    assert.match(unlinked.content, /not linked to a Sonoran CMS account/);
    assert.match(unlinked.content, /API ID/);
    assert.doesNotMatch(unlinked.content, /error id|whitelisted/);

    const unknown = await check(users.officer, { server: '99' });
    assert.match(unknown.content, /no game server "99"/);
    assert.match(unknown.content, /Main Server \(1\), ER:LC Server \(2\)/);
  });

  it('says so when the CMS no longer knows a server the cached list still has', async () => {
    const { data } = harness.cms.community;
    const cache = harness.bot.context.cms.community.servers;
    const servers = data.servers;
    const asked = Date.now();
    data.servers = servers.filter((s) => s.id !== ERLC);
    try {
      const reply = await check(users.officer, { server: String(ERLC) });
      assert.match(reply.content, /^Sonoran CMS does not know \*\*ER:LC Server\*\*/);
      assert.doesNotMatch(reply.content, /error id|not whitelisted/);
      await waitFor(
        async () => ((await cache.read())?.fetchedAt ?? 0) >= asked,
        15_000,
        'a new server list for the next try',
      );
    } finally {
      data.servers = servers;
      await cache.refresh('interactive');
    }
  });

  it('autocompletes servers from the cache at once, even while the CMS is slow', async () => {
    await waitFor(
      async () => (await harness.bot.context.cms.community.servers.read()) !== null,
      10_000,
      'the servers cache',
    );
    harness.cms.faults.set({ latencyMs: 5_000, operations: ['getServers'] });
    try {
      // A stale cache: answered from it, while a refresh starts in the background.
      const key = `${harness.bot.context.namespace}:cache:servers`;
      const cached = JSON.parse((await harness.bot.context.redis.get(key))!) as object;
      await harness.bot.context.redis.set(key, JSON.stringify({ ...cached, fetchedAt: 0 }));
      const typing = harness.discord.autocomplete({
        user: users.officer,
        guildId: SANDBOX_GUILD.guild,
        channelId: SANDBOX_GUILD.channels.general,
        name: 'whitelist',
        subcommand: 'check',
        options: { server: 'er' },
        focused: 'server',
      });
      await typing.acknowledged();
      assert.deepEqual(
        typing.autocompleteChoices(),
        [
          { name: 'ER:LC Server', value: '2' },
          { name: 'Main Server', value: '1' },
        ],
        'names that start with what was typed come first',
      );
      assert.equal(typing.responses[0]!.status, 204, "answered within Discord's 3 s");
    } finally {
      harness.cms.faults.clear();
      // The slow refresh lands before the next test needs the servers.
      await waitFor(
        async () => ((await harness.bot.context.cms.community.servers.read())?.fetchedAt ?? 0) > 0,
        15_000,
        'the servers cache refreshed',
      );
    }
  });

  it('falls back to the kept full whitelist, with its age, when the CMS answers 5xx', async () => {
    // A list kept two hours ago; the CMS cannot refresh it either.
    const redis = harness.bot.context.redis;
    const kept = JSON.parse((await redis.get(listKey(MAIN)))!) as { fetchedAt: number };
    const fetchedAt = Date.now() - 2 * 60 * 60_000;
    await redis.set(listKey(MAIN), JSON.stringify({ ...kept, fetchedAt }));
    harness.cms.faults.set({ errorRate: 1, operations: ['verifyWhitelist', 'getFullWhitelist'] });
    try {
      const age = `<t:${Math.floor(fetchedAt / 1000)}:R>`;
      const listed = await check(users.officer);
      assert.match(
        listed.content,
        /^⚠️ Sonoran CMS could not answer just now\. This is a fallback/,
      );
      assert.ok(listed.content.includes(age), `the list's age (${age}): ${listed.content}`);
      assert.match(listed.content, /You were on it \(as \*\*Daniel Park\*\*\)\./);

      const absent = await check(APPLICANT.id);
      assert.match(absent.content, /This is a fallback/);
      assert.match(absent.content, /You were \*\*not\*\* on it\./);
      assert.doesNotMatch(absent.content, /❌/, 'not the CMS saying no');
    } finally {
      harness.cms.faults.clear();
    }
  });

  it('says plainly that the CMS could not answer when no list is kept, never "not whitelisted"', async () => {
    await harness.bot.context.redis.del(listKey(ERLC));
    harness.cms.faults.set({ errorRate: 1, operations: ['verifyWhitelist', 'getFullWhitelist'] });
    try {
      const reply = await check(users.officer, { server: String(ERLC) });
      assert.match(
        reply.content,
        /^⚠️ Sonoran CMS could not answer, and the bot has no earlier copy of the whitelist of \*\*ER:LC Server\*\*/,
      );
      assert.match(reply.content, /having trouble/);
      assert.doesNotMatch(reply.content, /not whitelisted|\*\*not\*\*|❌|error id|503/);
    } finally {
      harness.cms.faults.clear();
    }
  });

  it('pages through the full list for staff; only the invoker can turn the pages', async () => {
    const { community } = harness.cms;
    const server = community.data.servers.find((s) => s.id === ERLC)!;
    const names = community.data.accounts
      .filter((a) => community.isWhitelisted(a, server))
      .map((a) => a.accName)
      .sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }));
    assert.ok(names.length > 15 && names.length <= 30, `two pages of names (${names.length})`);

    const refused = await harness
      .slash({ user: users.civilian, name: 'whitelist', subcommand: 'list' })
      .reply();
    assert.match(refused.content, /^Only staff can see the whole whitelist/);

    const handle = harness.slash({
      user: users.staff,
      name: 'whitelist',
      subcommand: 'list',
      options: { server: String(ERLC) },
    });
    const first = await handle.reply((m) => m.embeds.length > 0);
    assert.equal(first.flags & EPHEMERAL, EPHEMERAL);
    assert.equal(first.embeds[0]!.title, 'Whitelist of ER:LC Server');
    assert.equal(footer(first), `Page 1 of 2 · ${names.length} whitelisted`);
    assert.match(description(first), /As Sonoran CMS gave it <t:\d+:R>/);
    assert.ok(description(first).includes(`1. ${names[0]}\n`));
    assert.ok(description(first).includes(`15. ${names[14]}`));
    assert.ok(!description(first).includes(names[15]!), 'the 16th name is on page 2');
    assert.equal(button(first, /Previous/).disabled, true);

    const next = button(first, /Next/).custom_id;
    assert.equal(next, `whitelist:page:${users.staff}:${ERLC}:1`);
    // A click is its own interaction: its answer (an update of the list's message) is on its handle.
    const turn = await harness.discord
      .clickButton({ user: users.staff, message: handle, customId: next })
      .acknowledged();
    assert.equal(turn.callbackType, 7, 'the same message, updated');
    const second = handle.current()!;
    assert.equal(footer(second), `Page 2 of 2 · ${names.length} whitelisted`);
    assert.ok(description(second).includes(`16. ${names[15]}`));
    assert.ok(description(second).includes(`${names.length}. ${names.at(-1)}`));
    assert.equal(button(second, /Next/).disabled, true);

    const other = harness.discord.clickButton({
      user: users.officer,
      message: handle,
      customId: button(second, /Previous/).custom_id,
    });
    const refusal = await other.reply();
    assert.equal(refusal.content, 'Only the member who ran the command can use these buttons.');
    assert.equal(refusal.flags & EPHEMERAL, EPHEMERAL);
    assert.equal(footer(handle.current()!), 'Page 2 of 2 · ' + `${names.length} whitelisted`);

    const fetched = requests('getFullWhitelist');
    await harness.discord
      .clickButton({
        user: users.staff,
        message: handle,
        customId: button(second, /Previous/).custom_id,
      })
      .acknowledged();
    const back = handle.current()!;
    assert.equal(footer(back), `Page 1 of 2 · ${names.length} whitelisted`);
    assert.ok(description(back).includes(`1. ${names[0]}\n`));
    assert.equal(requests('getFullWhitelist'), fetched, 'pages come from the kept copy');
  });
});
