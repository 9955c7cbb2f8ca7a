import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import type { EmulatedMessage } from '../../src/dev/discord-emulator/index.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/queue-harness.js';

const { channels, users } = SANDBOX_GUILD;
const embeds = (harness: BotHarness) =>
  harness.discord.messages(channels.audit).flatMap((m: EmulatedMessage) => m.embeds);

describe('CMS push events to the audit channel', () => {
  let harness: BotHarness;

  before(async () => {
    harness = await startBotHarness({ push: true });
    // The departments cache names ranks in notices: wait until the bot has it.
    await waitFor(
      async () => (await harness.bot.context.cms.community.departments.read()) !== null,
      10_000,
      'departments',
    );
  });
  after(() => harness.stop());

  async function adminApi(path: string, method: string, body?: unknown): Promise<void> {
    const response = await fetch(`${harness.cms.url}/__emulator${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(response.ok, `${method} ${path}: ${response.status}`);
    await fetch(`${harness.cms.url}/__emulator/push/idle`);
  }

  it('posts a ban made in the CMS panel, with the member and the source', async () => {
    await adminApi(`/accounts/${SANDBOX_MEMBERS.dispatcher}/ban`, 'POST');
    const message = await harness.discord.waitForMessage(channels.audit, (m) =>
      m.embeds.some((e) => e.title === 'Account banned'),
    );
    const embed = message.embeds.find((e) => e.title === 'Account banned')!;
    assert.ok(embed.fields?.some((f) => f.value.includes(`<@${users.dispatcher}>`)));
    assert.match(embed.footer?.text ?? '', /push event/);
  });

  it("posts the bot's own ban once: the CMS's echo of it is not a second notice", async () => {
    const id = '990000000000077001';
    harness.discord.addMember({ id, username: 'echo.test', roles: [SANDBOX_GUILD.roles.member] });
    const account = harness.cms.community.createAccount({ username: 'echo.test', discordId: id });
    const handle = harness.slash({
      user: users.staff,
      name: 'ban',
      options: { member: id, reason: 'Echo test' },
    });
    const confirmation = await handle.reply();
    const confirm = (confirmation.components as { components: { custom_id: string }[] }[])
      .flatMap((row) => row.components)
      .find((button) => button.custom_id.split(':')[1] === 'confirm')!;
    await harness.discord
      .clickButton({ user: users.staff, message: handle, customId: confirm.custom_id })
      .reply((m) => m.content.startsWith('**Case #'));
    assert.equal(harness.cms.community.findAccount({ accId: account.accId })?.banned, true);
    // The CMS pushed ACCOUNT_BANNED for the bot's own ban; once the intake has it, a later
    // notice shows the pipeline moved past it without posting it.
    await fetch(`${harness.cms.url}/__emulator/push/idle`);
    await waitFor(
      async () =>
        (await harness.bot.context.redis.hget(
          `${harness.bot.context.namespace}:audit:accounts`,
          account.accId,
        )) !== null,
      10_000,
      'the echo to be processed',
    );
    await harness.cms.community.kick(
      harness.cms.community.findAccount({ accId: SANDBOX_MEMBERS.civilian })!,
    );
    await fetch(`${harness.cms.url}/__emulator/push/idle`);
    await harness.discord.waitForMessage(channels.audit, (m) =>
      m.embeds.some((e) => e.fields?.some((f) => f.value.includes(`<@${users.civilian}>`))),
    );
    const aboutEcho = embeds(harness).filter((e) =>
      e.fields?.some((f) => f.value.includes(`<@${id}>`)),
    );
    assert.deepEqual(
      aboutEcho.map((e) => e.title),
      ['Case #1: Banned'],
      'the case, and no "Account banned" beside it',
    );
  });

  it('describes a rank change against the last snapshot ("rank Officer -> Sergeant")', async () => {
    const community = harness.cms.community;
    const officer = community.findAccount({ accId: SANDBOX_MEMBERS.officer })!;
    // A first update is a first sighting (no snapshot yet); the second is a change against it.
    await adminApi(`/accounts/${SANDBOX_MEMBERS.officer}`, 'PATCH', { callsign: '1-ADAM-12' });
    const sergeant = community.data.departments
      .flatMap((d) => d.ranks)
      .find((r) => r.label === 'Sergeant')!;
    const ranks = officer.ranks.map((id) =>
      community.findRank(id)?.rank.label === 'Officer' ? sergeant.id : id,
    );
    await adminApi(`/accounts/${SANDBOX_MEMBERS.officer}`, 'PATCH', { ranks });
    await waitFor(
      () =>
        embeds(harness).some((e) =>
          e.fields?.some((f) => f.value.includes('rank Officer -> Sergeant')),
        ),
      10_000,
      'the rank change',
    );
  });
});
