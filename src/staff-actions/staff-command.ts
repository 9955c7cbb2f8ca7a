import {
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type User,
} from 'discord.js';
import type { BotContext } from '../bot-context.js';
import type { Command } from '../commands/command.js';
import { describeCmsFailure } from '../discord/cms-error-text.js';
import { CANCEL, CONFIRM, confirmationRow } from '../discord/confirmation.js';
import { parseCustomId } from '../discord/custom-id.js';
import { mention } from '../discord/format.js';
import { interactionCalls } from '../discord/interaction-calls.js';
import { refuseOthers } from '../discord/pagination.js';
import { answer } from '../discord/respond.js';
import { assertStaffMayAct, botMemberOf, fetchMemberOrNull } from '../discord/staff-checks.js';
import { UserError } from '../discord/user-error.js';
import { WORDS, type StaffActionKind, type StaffRequest } from './staff-action.js';
import { cancelledText, expiredText, planText, resultText } from './staff-action-text.js';

/** The lock outlives the confirmation a little, so a Confirm at the last second still holds it. */
const LOCK_WHILE_CONFIRMING_MS = 90_000;
/** Held while the action runs: its CMS call may wait in the queue up to the interaction's end. */
const LOCK_WHILE_ACTING_MS = 15 * 60_000;

/**
 * /ban and /kick: the same flow, two verbs. The command checks the preconditions, takes the
 * member's lock and shows a confirmation; Confirm (by the invoker, in time) carries the action
 * out and replaces the confirmation with both outcomes; Cancel and expiry release the lock.
 */
export function staffActionCommand(action: StaffActionKind, data: Command['data']): Command {
  return {
    data,
    ephemeral: true,
    execute: (interaction, context) => propose(action, interaction, context),
    button: (interaction, context) => answerButton(action, interaction, context),
  };
}

function tagOf(user: User): { id: string; tag: string } {
  return { id: user.id, tag: user.tag };
}

async function propose(
  action: StaffActionKind,
  interaction: ChatInputCommandInteraction,
  context: BotContext,
): Promise<void> {
  if (!interaction.inCachedGuild())
    throw new UserError("Use this command in the community's Discord server.", 'guild-only');
  const { guild } = interaction;
  const targetUser = interaction.options.getUser('member', true);
  assertStaffMayAct({
    action,
    guild,
    invoker: interaction.member,
    invokerPermissions: interaction.memberPermissions,
    bot: await botMemberOf(guild),
    botPermissions: interaction.appPermissions,
    targetUser,
    target: interaction.options.getMember('member'),
  });
  const reason = interaction.options.getString('reason', true).trim();
  if (!reason)
    throw new UserError(
      'Give a reason: it is sent to them and kept in the audit channel.',
      'no-reason',
    );
  const { staffActions } = context;
  const nonce = staffActions.confirmations.newNonce();
  // The nonce is also the lock's token: whoever holds the confirmation can release the lock.
  const locked = await staffActions.locks.acquire(
    guild.id,
    targetUser.id,
    nonce,
    LOCK_WHILE_CONFIRMING_MS,
  );
  if (!locked)
    throw new UserError(
      `Another staff member is already acting on ${mention(targetUser.id)}. Wait until they are done, then try again if it is still needed.`,
      'member-locked',
    );
  try {
    const inCms = interaction.options.getBoolean('in_cms') ?? true;
    const account = inCms ? await cmsAccountOf(action, targetUser, interaction, context) : null;
    const request: StaffRequest = {
      action,
      guildId: guild.id,
      staff: tagOf(interaction.user),
      target: tagOf(targetUser),
      account,
      cmsSkipped: !inCms
        ? 'you chose not to (in_cms: False)'
        : account
          ? null
          : `${mention(targetUser.id)} has no linked CMS account`,
      reason,
      deleteMessageSeconds:
        action === 'ban' ? (interaction.options.getInteger('delete_messages') ?? 0) : 0,
    };
    const expiresAt = await staffActions.confirmations.open(nonce, request);
    await interaction.editReply({
      content: planText(request, expiresAt, context.config.discord.dmMemberOnStaffAction),
      components: [
        confirmationRow({
          command: action,
          invokerId: interaction.user.id,
          args: [nonce, targetUser.id],
          confirmLabel: `${WORDS[action].title} ${targetUser.username}`.slice(0, 80),
          danger: true,
        }),
      ],
    });
    staffActions.confirmations.expireLater(nonce, async () => {
      await staffActions.locks.release(guild.id, targetUser.id, nonce);
      await interaction.editReply({
        content: expiredText(action, targetUser.id, staffActions.confirmations.ttlMs),
        components: [],
      });
    });
  } catch (error) {
    await staffActions.locks.release(guild.id, targetUser.id, nonce).catch(() => {});
    throw error;
  }
}

/** The target's CMS account (never made for them in the sandbox), or null when unlinked. */
async function cmsAccountOf(
  action: StaffActionKind,
  user: User,
  interaction: ChatInputCommandInteraction,
  context: BotContext,
): Promise<StaffRequest['account']> {
  try {
    const account = await context.cms.links.find(
      { id: user.id, username: user.username },
      interactionCalls(interaction),
      { provision: false },
    );
    return account ? { accId: account.accId, name: account.name } : null;
  } catch (error) {
    const why = describeCmsFailure(error);
    if (!why) throw error;
    throw new UserError(
      `Could not look up ${mention(user.id)}'s CMS account. ${why}\nTo act in Discord alone, run /${action} again with in_cms: False.`,
      'cms-lookup-failed',
    );
  }
}

async function answerButton(
  action: StaffActionKind,
  interaction: ButtonInteraction,
  context: BotContext,
): Promise<void> {
  const id = parseCustomId(interaction.customId);
  const [nonce, targetId] = id?.args ?? [];
  if (!id || !nonce || !targetId || (id.action !== CONFIRM && id.action !== CANCEL))
    return answer(interaction, 'This button no longer works. Run the command again.');
  if (await refuseOthers(interaction, id.invokerId)) return;
  const { staffActions } = context;
  const guildId = interaction.guildId!;
  const settled = await staffActions.confirmations.settle(
    nonce,
    id.action === CONFIRM ? 'confirmed' : 'cancelled',
  );
  if (settled.state === 'expired') {
    await staffActions.locks.release(guildId, targetId, nonce);
    await interaction.update({
      content: expiredText(action, targetId, staffActions.confirmations.ttlMs),
      components: [],
    });
    return;
  }
  if (settled.state === 'answered') {
    await interaction.reply({
      content: `This confirmation was already ${settled.answer}.`,
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  const request = settled.data;
  if (id.action === CANCEL) {
    await staffActions.locks.release(guildId, targetId, nonce);
    await interaction.update({ content: cancelledText(targetId), components: [] });
    return;
  }
  // Acknowledged at once (Discord waits 3 s); the result replaces this line.
  await interaction.update({
    content: `⏳ ${WORDS[action].doing} ${mention(targetId)}…`,
    components: [],
  });
  try {
    if (!(await staffActions.locks.extend(guildId, targetId, nonce, LOCK_WHILE_ACTING_MS)))
      throw new UserError(
        `Another staff member is now acting on ${mention(targetId)}; nothing was done.`,
        'member-locked',
      );
    if (!interaction.inCachedGuild())
      throw new UserError("Use this command in the community's Discord server.", 'guild-only');
    await recheck(action, interaction, targetId);
    const done = await staffActions.carryOut(request, interaction.guild, {
      calls: interactionCalls(interaction),
      dm: context.config.discord.dmMemberOnStaffAction,
    });
    await interaction.editReply({ content: resultText(done), components: [] });
  } finally {
    await staffActions.locks.release(guildId, targetId, nonce).catch(() => {});
  }
}

/** Roles may have changed while the confirmation waited: the preconditions again, read fresh. */
async function recheck(
  action: StaffActionKind,
  interaction: ButtonInteraction<'cached'>,
  targetId: string,
): Promise<void> {
  const { guild } = interaction;
  const target = await fetchMemberOrNull(guild, targetId);
  assertStaffMayAct({
    action,
    guild,
    invoker: interaction.member,
    invokerPermissions: interaction.memberPermissions,
    bot: await botMemberOf(guild),
    botPermissions: interaction.appPermissions,
    targetUser: target?.user ?? (await interaction.client.users.fetch(targetId)),
    target,
  });
}
