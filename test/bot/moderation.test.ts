import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PermissionFlagsBits } from 'discord.js';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import { ONLY_INVOKER } from '../../src/discord/pagination.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import type { EmulatedMessage, InteractionHandle } from '../../src/dev/discord-emulator/index.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/queue-harness.js';

const { users, roles, channels, guild: guildId } = SANDBOX_GUILD;
const EPHEMERAL = 64;
const SLOW_MS = 30_000;

interface Button {
  custom_id: string;
  label: string;
}

function buttons(message: EmulatedMessage): Button[] {
  return (message.components as { components: Button[] }[]).flatMap((row) => row.components);
}

function buttonId(message: EmulatedMessage, action: 'confirm' | 'cancel'): string {
  const button = buttons(message).find((b) => b.custom_id.split(':')[1] === action);
  assert.ok(button, `the message has a ${action} button`);
  return button.custom_id;
}

function field(message: EmulatedMessage, name: string): string {
  return message.embeds[0]?.fields?.find((f) => f.name === name)?.value ?? '';
}

const caseNumberOf = (text: string) => Number(/Case #(\d+)/.exec(text)?.[1]);
const isResult = (m: EmulatedMessage) => m.content.startsWith('**Case #');

describe('/ban and /kick', () => {
  let harness: BotHarness;
  let serial = 0;

  /** A member of the guild (role Member), with a CMS account linked to them when `linked`. */
  function newMember(linked = true): { id: string; accId: string | null } {
    serial += 1;
    const id = `9900000000000${String(serial).padStart(5, '0')}`;
    const username = `member${serial}`;
    harness.discord.addMember({ id, username, roles: [roles.member] });
    const account = linked
      ? harness.cms.community.createAccount({ username, discordId: id })
      : null;
    return { id, accId: account?.accId ?? null };
  }

  function account(accId: string) {
    const found = harness.cms.community.findAccount({ accId });
    assert.ok(found, `account ${accId} exists`);
    return found;
  }

  function slash(
    user: string,
    name: 'ban' | 'kick',
    options: Record<string, string | number | boolean>,
  ): InteractionHandle {
    return harness.slash({ user, name, options: { reason: 'Breaking rule 3', ...options } });
  }

  /** Runs the command and returns its confirmation (the reply with buttons). */
  async function propose(
    user: string,
    name: 'ban' | 'kick',
    options: Record<string, string | number | boolean>,
  ) {
    const handle = slash(user, name, options);
    const confirmation = await handle.reply();
    assert.equal(buttons(confirmation).length, 2, `a confirmation, got: ${confirmation.content}`);
    return { handle, confirmation };
  }

  function click(handle: InteractionHandle, user: string, action: 'confirm' | 'cancel') {
    return harness.discord.clickButton({
      user,
      message: handle,
      customId: buttonId(handle.current()!, action),
    });
  }

  /** Proposes, confirms, and returns the final reply. */
  async function carryOut(
    user: string,
    name: 'ban' | 'kick',
    options: Record<string, string | number | boolean>,
    timeoutMs = 10_000,
  ) {
    const { handle, confirmation } = await propose(user, name, options);
    const result = await click(handle, user, 'confirm').reply(isResult, timeoutMs);
    return { confirmation, result, caseNumber: caseNumberOf(result.content) };
  }

  function auditOf(caseNumber: number, predicate: (m: EmulatedMessage) => boolean = () => true) {
    return harness.discord.waitForMessage(
      channels.audit,
      (m) => (m.embeds[0]?.title ?? '').startsWith(`Case #${caseNumber}:`) && predicate(m),
      SLOW_MS,
    );
  }

  function auditMessagesOf(caseNumber: number): EmulatedMessage[] {
    return harness.discord
      .messages(channels.audit)
      .filter((m) => (m.embeds[0]?.title ?? '').startsWith(`Case #${caseNumber}:`));
  }

  function lockKey(userId: string): string {
    return `${harness.bot.context.namespace}:lock:member:${guildId}:${userId}`;
  }

  // A 3 s CMS window: retries paced at background priority wait seconds, not minutes.
  before(async () => {
    harness = await startBotHarness({ cms: { windowMs: 3_000 }, env: { CMS_TIMEOUT_MS: '1000' } });
  });
  after(() => harness.stop());

  it('are registered guild-only, for members with Ban or Kick Members', () => {
    const registered = harness.discord.registeredCommands(guildId);
    for (const [name, bit] of [
      ['ban', PermissionFlagsBits.BanMembers],
      ['kick', PermissionFlagsBits.KickMembers],
    ] as const) {
      const command = registered.find((c) => c.name === name);
      assert.ok(command, `/${name} is registered`);
      assert.equal(command.default_member_permissions, String(bit));
      assert.deepEqual(command.contexts, [0], 'guild only');
    }
  });

  describe('refuses, before any confirmation', () => {
    const refusals: [string, string, 'ban' | 'kick', () => string, RegExp][] = [
      [
        'a member without the permission',
        users.officer,
        'ban',
        () => users.firefighter,
        /You need the \*\*Ban Members\*\* permission/,
      ],
      [
        'a target whose role is not below the invoker’s',
        users.staff,
        'kick',
        () => users.admin,
        /Your highest role is not above <@\d+>'s/,
      ],
      [
        'a target above the bot (the owner may act on anyone, the bot may not)',
        users.owner,
        'ban',
        () => users.admin,
        /The bot's highest role is not above <@\d+>'s/,
      ],
      ['the invoker themselves', users.staff, 'ban', () => users.staff, /cannot ban yourself/],
      ['the server owner', users.staff, 'kick', () => users.owner, /owns this server/],
      ['the bot', users.staff, 'ban', () => SANDBOX_GUILD.bot, /The bot cannot ban itself/],
    ];
    for (const [what, invoker, name, target, message] of refusals) {
      it(what, async () => {
        const reply = await slash(invoker, name, { member: target() }).reply();
        assert.match(reply.content, message);
        assert.equal(reply.flags & EPHEMERAL, EPHEMERAL);
        assert.equal(reply.components.length, 0, 'no confirmation');
        assert.doesNotMatch(reply.content, /error id/);
        assert.equal(
          await harness.bot.context.redis.exists(lockKey(target())),
          0,
          'no lock is left',
        );
      });
    }
  });

  it('bans in Discord and in the CMS after Confirm: DM, message deletion, case in the audit channel', async () => {
    const { confirmation, result, caseNumber } = await carryOut(users.staff, 'ban', {
      member: users.civilian,
      reason: 'Cheating in the heist',
      delete_messages: 86_400,
    });
    assert.equal(confirmation.flags & EPHEMERAL, EPHEMERAL, 'only the invoker sees it');
    assert.match(confirmation.content, /Ban <@734918273645019283>\?/);
    assert.match(confirmation.content, /their messages from the last 24 hours are deleted/);
    assert.match(confirmation.content, /their account \*\*Tom Brooks\*\* is banned/);
    assert.match(confirmation.content, /DM with the reason/);
    assert.match(confirmation.content, /expires <t:\d+:R>/);

    assert.match(result.content, /\*\*Discord:\*\* ✅ Done/);
    assert.match(result.content, /\*\*Sonoran CMS:\*\* ✅ Done: account Tom Brooks banned/);
    assert.match(result.content, /They were sent a DM/);
    assert.equal(result.components.length, 0, 'the buttons are gone');

    const ban = harness.discord.bans().find((b) => b.userId === users.civilian);
    assert.ok(ban, 'banned in Discord');
    assert.match(ban.reason ?? '', /^Cheating in the heist \(case #\d+, by mreyes\)$/);
    assert.equal(ban.deleteMessageSeconds, 86_400);
    const cms = account(SANDBOX_MEMBERS.civilian);
    assert.equal(cms.banned, true);
    assert.equal(cms.comStatus, false);

    const [dm] = harness.discord.dms(users.civilian);
    assert.match(dm?.content ?? '', /banned from \*\*Blaine County Roleplay\*\*/);
    assert.match(dm?.content ?? '', /Cheating in the heist/);

    const audit = await auditOf(caseNumber);
    assert.equal(audit.embeds[0]!.title, `Case #${caseNumber}: Banned`);
    assert.match(field(audit, 'Member'), /<@734918273645019283>/);
    assert.match(field(audit, 'By'), /<@318295734567812096>/);
    assert.equal(field(audit, 'Reason'), 'Cheating in the heist');
    assert.match(field(audit, 'Discord'), /^✅ Done/);
    assert.match(field(audit, 'Sonoran CMS'), /^✅ Done/);
    assert.equal(
      await harness.bot.context.redis.exists(
        `${harness.bot.context.namespace}:link:${users.civilian}`,
      ),
      0,
      'the cached link is forgotten',
    );
    assert.equal(await harness.bot.context.redis.exists(lockKey(users.civilian)), 0, 'unlocked');
  });

  it('kicks in Discord and in the CMS after Confirm', async () => {
    const { result, caseNumber } = await carryOut(users.staff, 'kick', {
      member: users.officer,
      reason: 'Inactive for 90 days',
    });
    assert.match(result.content, /\*\*Discord:\*\* ✅ Done/);
    assert.match(result.content, /\*\*Sonoran CMS:\*\* ✅ Done: account Daniel Park kicked/);
    const kick = harness.discord.kicks.find((k) => k.userId === users.officer);
    assert.match(kick?.reason ?? '', /^Inactive for 90 days \(case #\d+/);
    assert.equal(harness.discord.member(users.officer), null, 'out of the server');
    const cms = account(SANDBOX_MEMBERS.officer);
    assert.equal(cms.comStatus, false, 'kicked from the community');
    assert.equal(cms.banned, false, 'not banned');
    assert.match(harness.discord.dms(users.officer)[0]?.content ?? '', /kicked from/);
    const audit = await auditOf(caseNumber);
    assert.equal(audit.embeds[0]!.title, `Case #${caseNumber}: Kicked`);
    assert.match(field(audit, 'Sonoran CMS'), /^✅ Done/);
  });

  it('acts in Discord alone on a member with no CMS account, and says why the CMS part is skipped', async () => {
    const { confirmation, result, caseNumber } = await carryOut(users.staff, 'ban', {
      member: users.unlinked,
    });
    assert.match(confirmation.content, /CMS part skipped: <@\d+> has no linked CMS account/);
    assert.match(result.content, /\*\*Discord:\*\* ✅ Done/);
    assert.match(
      result.content,
      /\*\*Sonoran CMS:\*\* ⏭️ Skipped: <@\d+> has no linked CMS account/,
    );
    assert.ok(harness.discord.bans().some((b) => b.userId === users.unlinked));
    const audit = await auditOf(caseNumber);
    assert.match(field(audit, 'Sonoran CMS'), /Skipped: <@\d+> has no linked CMS account/);
    assert.equal(field(audit, 'CMS account'), 'Not linked');
  });

  it('skips the CMS part when asked to (in_cms: false)', async () => {
    const target = newMember();
    const { result } = await carryOut(users.staff, 'kick', { member: target.id, in_cms: false });
    assert.match(result.content, /Skipped: you chose not to \(in_cms: False\)/);
    assert.equal(account(target.accId!).comStatus, true, 'the CMS account is untouched');
    assert.equal(harness.discord.member(target.id), null);
  });

  it('notes a closed DM without calling it an error', async () => {
    const { result } = await carryOut(users.staff, 'kick', { member: users.dispatcher });
    assert.match(result.content, /No DM: <@611029384756102934> does not accept DMs/);
    assert.match(result.content, /\*\*Discord:\*\* ✅ Done/);
    assert.match(result.content, /\*\*Sonoran CMS:\*\* ✅ Done/);
    assert.equal(harness.discord.dms(users.dispatcher).length, 0);
    assert.ok(
      !harness.logLines().some((l) => l.level === 50 && String(l.msg).includes('interaction')),
      'nothing logged as an error',
    );
  });

  it('lets a confirmation expire: a late Confirm does nothing and the member is free again', async () => {
    const target = newMember();
    const { handle, confirmation } = await propose(users.staff, 'kick', { member: target.id });
    // Past the TTL without waiting: Redis expires the pending action now.
    const nonce = buttonId(confirmation, 'confirm').split(':')[3]!;
    const key = `${harness.bot.context.namespace}:confirm:${nonce}`;
    assert.equal(await harness.bot.context.redis.pexpire(key, 1), 1, 'it was pending');
    await waitFor(async () => (await harness.bot.context.redis.exists(key)) === 0);

    const late = await click(handle, users.staff, 'confirm').reply((m) =>
      /expired/.test(m.content),
    );
    assert.match(late.content, /This confirmation expired after 60 s; nothing was done/);
    assert.equal(late.components.length, 0, 'the buttons are gone');
    assert.equal(harness.discord.member(target.id)?.roles.includes(roles.member), true);
    assert.equal(account(target.accId!).comStatus, true);
    // The lock went with it: another staff member can act at once.
    const next = await propose(users.admin, 'kick', { member: target.id });
    await click(next.handle, users.admin, 'cancel').reply((m) => /Cancelled/.test(m.content));
  });

  it('refuses a click by anyone but the invoker, and Cancel does nothing', async () => {
    const target = newMember();
    const { handle } = await propose(users.staff, 'ban', { member: target.id });
    const intruder = await click(handle, users.admin, 'confirm').reply();
    assert.equal(intruder.content, ONLY_INVOKER);
    assert.equal(intruder.flags & EPHEMERAL, EPHEMERAL);
    assert.equal(buttons(handle.current()!).length, 2, 'the confirmation still waits');

    const cancelled = await click(handle, users.staff, 'cancel').reply((m) =>
      /Cancelled/.test(m.content),
    );
    assert.match(cancelled.content, /Cancelled: nothing was done to <@\d+>/);
    assert.equal(cancelled.components.length, 0);
    assert.ok(!harness.discord.bans().some((b) => b.userId === target.id));
    assert.equal(account(target.accId!).banned, false);
    assert.equal(await harness.bot.context.redis.exists(lockKey(target.id)), 0, 'unlocked');
  });

  it('lets one staff member at a time act on a member', async () => {
    const target = newMember();
    const first = await propose(users.staff, 'ban', { member: target.id });
    const second = await slash(users.admin, 'kick', { member: target.id }).reply();
    assert.match(second.content, /Another staff member is already acting on <@\d+>/);
    assert.equal(second.components.length, 0);
    await click(first.handle, users.staff, 'cancel').reply((m) => /Cancelled/.test(m.content));
    const again = await propose(users.admin, 'kick', { member: target.id });
    await click(again.handle, users.admin, 'cancel').reply((m) => /Cancelled/.test(m.content));
  });

  it('reports a CMS outage (5xx) apart, retries the CMS half, and edits the audit notice when it succeeds', async () => {
    const target = newMember();
    harness.cms.faults.set({ errorRate: 1, operations: ['v1.banAccount'] });
    try {
      const { result, caseNumber } = await carryOut(
        users.staff,
        'ban',
        { member: target.id },
        SLOW_MS,
      );
      assert.match(result.content, /\*\*Discord:\*\* ✅ Done/);
      assert.match(
        result.content,
        /\*\*Sonoran CMS:\*\* ⚠️ Failed, retrying: Sonoran CMS answered with a server error \(503\)/,
      );
      assert.match(result.content, /retried in the background/);
      assert.equal(account(target.accId!).banned, false);
      const first = await auditOf(caseNumber);
      assert.match(field(first, 'Sonoran CMS'), /Failed, retrying/);
      harness.cms.faults.clear();

      const edited = await auditOf(caseNumber, (m) => /^✅/.test(field(m, 'Sonoran CMS')));
      assert.equal(edited.id, first.id, 'the same notice, edited');
      assert.equal(auditMessagesOf(caseNumber).length, 1, 'one notice per case');
      assert.equal(account(target.accId!).banned, true);
      assert.match(field(edited, 'Discord'), /^✅ Done/);
    } finally {
      harness.cms.faults.clear();
    }
  });

  it('reports a CMS that does not answer in time, and retries it', async () => {
    const target = newMember();
    harness.cms.faults.set({ hangRate: 1, operations: ['v1.kickAccount'] });
    try {
      const { result, caseNumber } = await carryOut(
        users.staff,
        'kick',
        { member: target.id },
        SLOW_MS,
      );
      assert.match(result.content, /\*\*Discord:\*\* ✅ Done/);
      assert.match(
        result.content,
        /\*\*Sonoran CMS:\*\* ⚠️ Failed, retrying: Sonoran CMS did not answer in time/,
      );
      harness.cms.faults.clear();
      await auditOf(caseNumber, (m) => /^✅/.test(field(m, 'Sonoran CMS')));
      assert.equal(account(target.accId!).comStatus, false);
    } finally {
      harness.cms.faults.clear();
    }
  });

  it('shows a partial failure (Discord done, the CMS refusing) and settles it by retry, once', async () => {
    const target = newMember();
    // More server errors than one interactive call tries (CMS_MAX_ATTEMPTS, 4): the retry meets the rest.
    harness.cms.faults.set({ errorCount: 6, errorStatus: 500, operations: ['v1.banAccount'] });
    try {
      const { result, caseNumber } = await carryOut(
        users.staff,
        'ban',
        { member: target.id },
        SLOW_MS,
      );
      assert.match(result.content, /\*\*Discord:\*\* ✅ Done/);
      assert.match(result.content, /\*\*Sonoran CMS:\*\* ⚠️ Failed, retrying: .*\(500\)/);
      const settled = await auditOf(caseNumber, (m) => /^✅/.test(field(m, 'Sonoran CMS')));
      assert.match(field(settled, 'Discord'), /^✅ Done/);
      assert.equal(account(target.accId!).banned, true);
      const discordBans = harness.discord.requests.filter(
        (r) => r.method === 'PUT' && r.path === `/guilds/${guildId}/bans/${target.id}`,
      );
      assert.equal(discordBans.length, 1, 'the Discord half was not applied again');
    } finally {
      harness.cms.faults.clear();
    }
  });

  it('retries the Discord half through its durable queue when Discord fails', async () => {
    const target = newMember();
    // discord.js tries a 5xx four times; the bot's retry comes after those.
    harness.discord.failRest({ routes: ['PUT /guilds/:guildId/bans/:userId'], count: 4 });
    const { result, caseNumber } = await carryOut(users.staff, 'ban', { member: target.id });
    assert.match(
      result.content,
      /\*\*Discord:\*\* ⚠️ Failed, retrying: Discord answered with a server error \(503\)/,
    );
    assert.match(result.content, /\*\*Sonoran CMS:\*\* ✅ Done/);
    const settled = await auditOf(caseNumber, (m) => /^✅/.test(field(m, 'Discord')));
    assert.match(field(settled, 'Sonoran CMS'), /^✅ Done/);
    assert.ok(harness.discord.bans().some((b) => b.userId === target.id));
    assert.equal(auditMessagesOf(caseNumber).length, 1);
  });
});

describe('/kick with STAFF_DM_MEMBER=false', () => {
  let harness: BotHarness;

  before(async () => {
    harness = await startBotHarness({ env: { STAFF_DM_MEMBER: 'false' } });
  });
  after(() => harness.stop());

  it('sends the member no DM and does not promise one', async () => {
    const handle = harness.slash({
      user: users.staff,
      name: 'kick',
      options: { member: users.firefighter, reason: 'Inactive' },
    });
    const confirmation = await handle.reply();
    assert.doesNotMatch(confirmation.content, /DM/);
    const result = await harness.discord
      .clickButton({
        user: users.staff,
        message: handle,
        customId: buttonId(confirmation, 'confirm'),
      })
      .reply(isResult);
    assert.match(result.content, /\*\*Discord:\*\* ✅ Done/);
    assert.doesNotMatch(result.content, /DM/);
    assert.ok(harness.discord.kicks.some((k) => k.userId === users.firefighter));
    assert.equal(harness.discord.dms(users.firefighter).length, 0);
  });
});
