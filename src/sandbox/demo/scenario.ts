import { SANDBOX_MEMBERS } from '../../cms/emulator/seed.js';
import { SANDBOX_GUILD } from '../../dev/sandbox-guild.js';
import { choices, message, text } from './expect.js';
import type { CheckStep } from './steps.js';
import { autocomplete, change, check, click, dm, post, slash, type DemoStep } from './steps.js';

const { users } = SANDBOX_GUILD;

/** "CMS: on duty (patrol); Discord roles: Member, On Duty" */
const dutyOf = ({ cms, discord, name }: Parameters<CheckStep['look']>[0]): string => {
  const shift = cms.community.openClock(SANDBOX_MEMBERS.officer);
  const roles = discord.member(users.officer)?.roles ?? [];
  return `CMS: ${shift ? `on duty (${shift.type})` : 'off duty'}; Discord roles: ${roles.map((id) => name(id) ?? id).join(', ')}`;
};

/**
 * The demo's story, one step object per thing that happens, in order. To add a command's
 * steps, add objects here (see steps.ts for the kinds and expect.ts for what a step can expect).
 */
export const scenario: readonly DemoStep[] = [
  change({
    title: "In the CMS web panel, staff close Daniel Park's shift from last night",
    change: ({ cms }) => void cms.community.closeOpenClock(SANDBOX_MEMBERS.officer),
  }),
  autocomplete({
    title: 'Daniel Park, an officer, starts typing a clock-in type',
    as: 'officer',
    command: 'clockin',
    subcommand: 'in',
    options: { type: 'pat' },
    focused: 'type',
    // Names that start with what was typed first, then names that contain it.
    expect: choices(['Patrol', 'Dispatch']),
  }),
  slash({
    title: 'He picks Patrol and clocks in',
    as: 'officer',
    command: 'clockin',
    subcommand: 'in',
    options: { type: 'patrol' },
    expect: message({ ephemeral: true, shows: /🟢 Clocked in, Daniel Park[\s\S]*Type: Patrol/ }),
  }),
  check({
    title: 'The CMS has his shift open, and Discord gave him the On Duty role',
    look: dutyOf,
    expect: text(/^CMS: on duty \(patrol\); Discord roles: .*On Duty/),
  }),
  slash({
    title: 'Before joining the game server, he checks the whitelist',
    as: 'officer',
    command: 'whitelist',
    subcommand: 'check',
    expect: message({
      ephemeral: true,
      shows: /✅ You are whitelisted on \*\*Main Server\*\* \(CMS account \*\*Daniel Park\*\*\)/,
    }),
  }),
  slash({
    title: 'He checks his status',
    as: 'officer',
    command: 'clockin',
    subcommand: 'status',
    expect: message({ ephemeral: true, shows: /🟢 On duty, Daniel Park[\s\S]*Started:/ }),
  }),
  slash({
    title: 'End of shift: he clocks out',
    as: 'officer',
    command: 'clockin',
    subcommand: 'out',
    expect: message({ ephemeral: true, shows: /🔴 Clocked out, Daniel Park[\s\S]*Lasted:/ }),
  }),
  check({
    title: 'The shift is closed in the CMS, and the On Duty role is gone',
    look: dutyOf,
    expect: text(/^CMS: off duty; Discord roles: (?!.*On Duty)/),
  }),
  slash({
    title:
      'Daniel tries /ban. Discord hides it from him (it needs Ban Members), but a modified client could send it: the bot refuses it itself',
    as: 'officer',
    command: 'ban',
    options: { member: users.civilian, reason: 'He took my parking spot' },
    expect: message({
      ephemeral: true,
      shows: /You need the \*\*Ban Members\*\* permission to use \/ban\./,
    }),
  }),
  slash({
    title: 'Maria Reyes, staff, bans Tyler Brooks; the bot asks her to confirm first',
    as: 'staff',
    id: 'ban',
    command: 'ban',
    options: { member: users.civilian, reason: 'Repeated RDM after two warnings' },
    expect: message({
      ephemeral: true,
      shows:
        /Ban @Tyler Brooks\?[\s\S]*Reason:\*\* Repeated RDM[\s\S]*account \*\*Tom Brooks\*\* is banned/,
      buttons: ['Ban tbrooks', 'Cancel'],
    }),
  }),
  click({
    title: 'She confirms',
    as: 'staff',
    on: 'ban',
    button: 'Ban tbrooks',
    expect: message({
      ephemeral: true,
      shows:
        /Case #1: Ban of @Tyler Brooks[\s\S]*Discord:\*\* ✅ Done[\s\S]*Sonoran CMS:\*\* ✅ Done[\s\S]*sent a DM/,
    }),
  }),
  dm({
    title: 'Tyler got the reason by DM before the ban',
    to: 'civilian',
    expect: message({ shows: /You have been banned from[\s\S]*Repeated RDM after two warnings/ }),
  }),
  post({
    title: 'The audit channel records the case',
    channel: 'audit',
    expect: message({
      ephemeral: false,
      shows:
        /Case #1: Banned[\s\S]*Member: @Tyler Brooks[\s\S]*By: @Maria Reyes[\s\S]*Discord: ✅ Done[\s\S]*Sonoran CMS: ✅ Done/,
    }),
  }),
  check({
    title: 'Tyler is banned in Discord and in the CMS',
    look: ({ cms, discord }) => {
      const banned = discord.bans().some((b) => b.userId === users.civilian);
      const account = cms.community.findAccount({ accId: SANDBOX_MEMBERS.civilian });
      return `Discord: ${banned ? 'banned' : 'not banned'}; CMS account Tom Brooks: ${account?.banned ? 'banned' : 'not banned'}`;
    },
    expect: text(/^Discord: banned; CMS account Tom Brooks: banned$/),
  }),
  change({
    title: 'In the CMS web panel, staff promote Daniel Park from Officer to Sergeant',
    change: async ({ cms }) => {
      const sergeant = cms.community.data.departments
        .flatMap((d) => d.ranks)
        .find((r) => r.label === 'Sergeant')!;
      const officer = cms.community.findAccount({ accId: SANDBOX_MEMBERS.officer })!;
      const ranks = officer.ranks.map((id) =>
        cms.community.findRank(id)?.rank.label === 'Officer' ? sergeant.id : id,
      );
      // The panel's edit, as the emulator's admin API makes it: the CMS pushes ACCOUNT_UPDATED.
      await fetch(`${cms.url}/__emulator/accounts/${SANDBOX_MEMBERS.officer}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ranks }),
      });
    },
  }),
  post({
    title:
      'The CMS pushes the change; the audit channel says what changed, against the last snapshot',
    channel: 'audit',
    expect: message({
      ephemeral: false,
      shows:
        /Account updated[\s\S]*Member: @Daniel Park[\s\S]*rank Officer -> Sergeant[\s\S]*push event/,
    }),
  }),
];
