import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { MESSAGE_DELETION } from '../staff-actions/staff-action.js';
import { staffActionCommand } from '../staff-actions/staff-command.js';

/** /ban: in Discord and in Sonoran CMS at once, after a confirmation (see staff-command.ts). */
export const ban = staffActionCommand(
  'ban',
  new SlashCommandBuilder()
    .setName('ban')
    .setDescription('Ban a member from this server and their Sonoran CMS account')
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.BanMembers)
    .addUserOption((option) =>
      option.setName('member').setDescription('Who to ban').setRequired(true),
    )
    .addStringOption((option) =>
      option
        .setName('reason')
        .setDescription('Why: sent to them and kept in the audit channel')
        .setRequired(true)
        .setMaxLength(400),
    )
    .addIntegerOption((option) =>
      option
        .setName('delete_messages')
        .setDescription('Also delete their recent messages (none by default)')
        .addChoices(...MESSAGE_DELETION.map((c) => ({ name: c.name, value: c.seconds }))),
    )
    .addBooleanOption((option) =>
      option.setName('in_cms').setDescription('Also ban their Sonoran CMS account (default: yes)'),
    ),
);
