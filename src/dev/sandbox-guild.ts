import {
  DEFAULT_BOT_NAME,
  DEFAULT_IDS,
  defaultGuild,
  type GuildSeed,
} from './discord-emulator/index.js';

/**
 * The Discord guild of the sandbox community (Blaine County Roleplay), for the Discord
 * emulator: its members carry the Discord ids the CMS emulator's seeded accounts are linked to,
 * so the demo, the tests and the benchmark see one community on both sides.
 */
export const SANDBOX_GUILD = {
  guild: DEFAULT_IDS.guild,
  application: DEFAULT_IDS.application,
  bot: DEFAULT_IDS.bot,
  roles: { ...DEFAULT_IDS.roles, onDuty: '1100000000000000015' },
  /** The emulator's channels, and a shift log (SHIFT_LOG_CHANNEL_ID) for clock-ins and clock-outs. */
  channels: { ...DEFAULT_IDS.channels, shifts: '1100000000000000023' },
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

const { roles, users } = SANDBOX_GUILD;

/**
 * The emulator's default guild (its roles and channels), with an On Duty role between Member and
 * Staff and the sandbox community's members: Member 1 < On Duty 2 < Staff 3 < the bot 4 <
 * Admin 5; the owner outranks all.
 */
export function sandboxGuild(): GuildSeed {
  const base = defaultGuild();
  const shifted = base.roles.map((role) =>
    role.position >= 2 ? { ...role, position: role.position + 1 } : role,
  );
  const onDuty = {
    id: roles.onDuty,
    name: 'On Duty',
    position: 2,
    permissions: 0n,
    hoist: true,
    color: 0x2ecc71,
  };
  const shiftLog = { id: SANDBOX_GUILD.channels.shifts, name: 'shift-log', position: 2 };
  return {
    ...base,
    ownerId: users.owner,
    roles: [...shifted, onDuty],
    channels: [...base.channels, shiftLog],
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
