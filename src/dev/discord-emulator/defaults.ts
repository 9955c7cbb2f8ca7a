import { PermissionFlagsBits } from 'discord.js';
import type { GuildSeed } from './types.js';

/**
 * The default test guild's ids. Fixed (so tests and transcripts can name them) and valid
 * snowflakes; ids the emulator makes later are time-based and never collide with these.
 */
export const DEFAULT_IDS = {
  guild: '1100000000000000001',
  /** The application and its bot user share one id, as for every modern Discord app. */
  application: '1100000000000000002',
  bot: '1100000000000000002',
  roles: {
    everyone: '1100000000000000001',
    member: '1100000000000000011',
    staff: '1100000000000000012',
    bot: '1100000000000000013',
    admin: '1100000000000000014',
  },
  channels: {
    general: '1100000000000000021',
    audit: '1100000000000000022',
  },
  users: {
    owner: '1100000000000000031',
    admin: '1100000000000000032',
    staff: '1100000000000000033',
    member: '1100000000000000034',
    /** A member whose DMs are closed. */
    dmClosed: '1100000000000000035',
  },
} as const;

export const DEFAULT_TOKEN = 'emulator-bot-token.not-a-real-discord-token';
export const DEFAULT_BOT_NAME = 'Sonoran CMS';

const P = PermissionFlagsBits;
const { roles, channels, users } = DEFAULT_IDS;

/**
 * Positions: @everyone 0 < Member 1 < Staff 2 < the bot's managed role 3 < Admin 4. Staff can
 * ban and kick members; the bot outranks Staff and Members but not Admin, and nobody outranks
 * the owner, so both the invoker's and the bot's hierarchy can be tested.
 */
export function defaultGuild(): GuildSeed {
  return {
    id: DEFAULT_IDS.guild,
    name: 'Blaine County Roleplay',
    ownerId: users.owner,
    roles: [
      { id: roles.member, name: 'Member', position: 1, permissions: 0n },
      {
        id: roles.staff,
        name: 'Staff',
        position: 2,
        permissions: P.BanMembers | P.KickMembers,
        hoist: true,
        color: 0x3498db,
      },
      {
        id: roles.bot,
        name: DEFAULT_BOT_NAME,
        position: 3,
        managed: true,
        permissions:
          P.ViewChannel |
          P.SendMessages |
          P.EmbedLinks |
          P.ReadMessageHistory |
          P.BanMembers |
          P.KickMembers |
          P.ManageRoles |
          P.ModerateMembers |
          P.ManageMessages,
      },
      {
        id: roles.admin,
        name: 'Admin',
        position: 4,
        permissions: P.Administrator,
        hoist: true,
        color: 0xe74c3c,
      },
    ],
    channels: [
      { id: channels.general, name: 'general', position: 0 },
      {
        id: channels.audit,
        name: 'audit',
        position: 1,
        topic: 'What happens to CMS accounts',
        // Read-only for members; the bot's role may post (realistic, and exercises overwrites).
        permissionOverwrites: [
          { id: DEFAULT_IDS.guild, type: 'role', deny: P.SendMessages },
          { id: roles.bot, type: 'role', allow: P.SendMessages | P.EmbedLinks },
        ],
      },
    ],
    members: [
      { id: users.owner, username: 'owner.olivia', globalName: 'Olivia', roles: [roles.member] },
      {
        id: users.admin,
        username: 'admin.alex',
        globalName: 'Alex',
        roles: [roles.admin, roles.member],
      },
      {
        id: users.staff,
        username: 'staff.sam',
        globalName: 'Sam',
        roles: [roles.staff, roles.member],
      },
      { id: users.member, username: 'member.mia', globalName: 'Mia', roles: [roles.member] },
      {
        id: users.dmClosed,
        username: 'member.max',
        globalName: 'Max',
        roles: [roles.member],
        dmClosed: true,
      },
      { id: DEFAULT_IDS.bot, username: DEFAULT_BOT_NAME, roles: [roles.bot], bot: true },
    ],
  };
}
