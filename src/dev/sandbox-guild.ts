import { PermissionFlagsBits as P } from 'discord.js';
import { DEFAULT_BOT_NAME, DEFAULT_IDS, type GuildSeed } from './discord-emulator/index.js';

/**
 * The Discord guild of the sandbox community (Blaine County Roleplay), for the Discord
 * emulator: its members carry the Discord ids the CMS emulator's seeded accounts are linked to,
 * so the demo, the tests and the benchmark see one community on both sides.
 */
export const SANDBOX_GUILD = {
  guild: DEFAULT_IDS.guild,
  application: DEFAULT_IDS.application,
  bot: DEFAULT_IDS.bot,
  roles: {
    member: '1100000000000000011',
    onDuty: '1100000000000000015',
    staff: '1100000000000000012',
    bot: '1100000000000000013',
    admin: '1100000000000000014',
  },
  channels: {
    general: '1100000000000000021',
    audit: '1100000000000000022',
  },
  users: {
    /** Jordan Carter, the community's chief and the guild's owner. */
    owner: '235947056630333440',
    /** Maria Reyes, a sergeant and Discord staff (Ban/Kick Members). */
    staff: '318295734567812096',
    /** Daniel Park, an officer. */
    officer: '402817365912837120',
    /** Sam Whitaker, a firefighter. */
    firefighter: '527381946203817984',
    /** Lena Nguyen, a dispatcher whose DMs are closed. */
    dispatcher: '611029384756102934',
    /** Tyler Brooks, a civilian. */
    civilian: '734918273645019283',
    /** A Discord admin above the bot's role. */
    admin: DEFAULT_IDS.users.admin,
    /** A member with no CMS account at all. */
    unlinked: DEFAULT_IDS.users.member,
  },
} as const;

const { roles, channels, users } = SANDBOX_GUILD;

/** Positions: Member 1 < On Duty 2 < Staff 3 < the bot 4 < Admin 5; the owner outranks all. */
export function sandboxGuild(): GuildSeed {
  return {
    id: SANDBOX_GUILD.guild,
    name: 'Blaine County Roleplay',
    ownerId: users.owner,
    roles: [
      { id: roles.member, name: 'Member', position: 1, permissions: 0n },
      {
        id: roles.onDuty,
        name: 'On Duty',
        position: 2,
        permissions: 0n,
        hoist: true,
        color: 0x2ecc71,
      },
      {
        id: roles.staff,
        name: 'Staff',
        position: 3,
        permissions: P.BanMembers | P.KickMembers,
        hoist: true,
        color: 0x3498db,
      },
      {
        id: roles.bot,
        name: DEFAULT_BOT_NAME,
        position: 4,
        managed: true,
        permissions:
          P.ViewChannel |
          P.SendMessages |
          P.EmbedLinks |
          P.ReadMessageHistory |
          P.BanMembers |
          P.KickMembers |
          P.ManageRoles,
      },
      {
        id: roles.admin,
        name: 'Admin',
        position: 5,
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
        permissionOverwrites: [
          { id: SANDBOX_GUILD.guild, type: 'role', deny: P.SendMessages },
          { id: roles.bot, type: 'role', allow: P.SendMessages | P.EmbedLinks },
        ],
      },
    ],
    members: [
      { id: users.owner, username: 'jcarter', globalName: 'Jordan Carter', roles: [roles.member] },
      {
        id: users.staff,
        username: 'mreyes',
        globalName: 'Maria Reyes',
        roles: [roles.staff, roles.member],
      },
      { id: users.officer, username: 'dpark', globalName: 'Daniel Park', roles: [roles.member] },
      {
        id: users.firefighter,
        username: 'swhitaker',
        globalName: 'Sam Whitaker',
        roles: [roles.member],
      },
      {
        id: users.dispatcher,
        username: 'lnguyen',
        globalName: 'Lena Nguyen',
        roles: [roles.member],
        dmClosed: true,
      },
      {
        id: users.civilian,
        username: 'tbrooks',
        globalName: 'Tyler Brooks',
        roles: [roles.member],
      },
      {
        id: users.admin,
        username: 'admin.alex',
        globalName: 'Alex',
        roles: [roles.admin, roles.member],
      },
      { id: users.unlinked, username: 'newcomer.mia', globalName: 'Mia', roles: [roles.member] },
      { id: SANDBOX_GUILD.bot, username: DEFAULT_BOT_NAME, roles: [roles.bot], bot: true },
    ],
  };
}
