import {
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  type Guild,
  type GuildMember,
  type PermissionsBitField,
  type User,
} from 'discord.js';
import { mention } from './format.js';
import { UserError } from './user-error.js';

/** The staff actions these checks guard. */
export type StaffActionKind = 'ban' | 'kick';

const PERMISSION = {
  ban: { bit: PermissionFlagsBits.BanMembers, name: 'Ban Members' },
  kick: { bit: PermissionFlagsBits.KickMembers, name: 'Kick Members' },
} as const;

/** Everything the checks look at, gathered once (see `staffCheckOf`). */
export interface StaffCheckInput {
  action: StaffActionKind;
  guild: Guild;
  /** The staff member acting, with their permissions here (channel overwrites included). */
  invoker: GuildMember;
  invokerPermissions: Readonly<PermissionsBitField>;
  /** The bot's own member and permissions. */
  bot: GuildMember;
  botPermissions: Readonly<PermissionsBitField>;
  targetUser: User;
  /** The target as a member of the guild, or null when they are not in it. */
  target: GuildMember | null;
}

/** Whether `a` may act on `b` by Discord's rule: the owner outranks everyone, else the highest role decides. */
export function outranks(guild: Guild, a: GuildMember, b: GuildMember): boolean {
  if (a.id === guild.ownerId) return true;
  if (b.id === guild.ownerId) return false;
  return a.roles.highest.comparePositionTo(b.roles.highest) > 0;
}

/**
 * The server-side preconditions of /ban and /kick (Discord's `default_member_permissions` only
 * hides a command; it is no guarantee). Throws a UserError saying which one failed.
 */
export function assertStaffMayAct(input: StaffCheckInput): void {
  const { action, guild, invoker, bot, targetUser, target } = input;
  const permission = PERMISSION[action];
  const who = mention(targetUser.id);
  if (!input.invokerPermissions.has(permission.bit))
    throw new UserError(
      `You need the **${permission.name}** permission to use /${action}.`,
      'missing-permission',
    );
  if (!input.botPermissions.has(permission.bit))
    throw new UserError(
      `The bot lacks the **${permission.name}** permission here. A server admin can give it to the bot's role.`,
      'bot-missing-permission',
    );
  if (targetUser.id === invoker.id)
    throw new UserError(`You cannot ${action} yourself.`, 'target-self');
  if (targetUser.id === bot.id)
    throw new UserError(`The bot cannot ${action} itself.`, 'target-bot');
  if (targetUser.id === guild.ownerId)
    throw new UserError(`${who} owns this server: nobody can ${action} them.`, 'target-owner');
  if (!target) {
    // A ban may name someone who already left (it keeps them out); a kick needs a member.
    if (action === 'kick')
      throw new UserError(`${who} is not a member of this server.`, 'target-not-member');
    return;
  }
  if (!outranks(guild, invoker, target))
    throw new UserError(
      `Your highest role is not above ${who}'s, so you cannot ${action} them.`,
      'invoker-not-above-target',
    );
  if (!outranks(guild, bot, target))
    throw new UserError(
      `The bot's highest role is not above ${who}'s, so Discord would refuse. A server admin can move the bot's role higher.`,
      'bot-not-above-target',
    );
}

/** The bot's member in the guild: cached from the gateway, fetched when the cache lost it. */
export async function botMemberOf(guild: Guild): Promise<GuildMember> {
  return guild.members.me ?? (await guild.members.fetchMe());
}

/** The user as a member of the guild, read fresh, or null when they are not in it. */
export async function fetchMemberOrNull(guild: Guild, userId: string): Promise<GuildMember | null> {
  try {
    return await guild.members.fetch({ user: userId, force: true });
  } catch (error) {
    // Not in the guild (or no such user); anything else is a real failure.
    const code = (error as { code?: unknown }).code;
    if (code === RESTJSONErrorCodes.UnknownMember || code === RESTJSONErrorCodes.UnknownUser)
      return null;
    throw error;
  }
}
