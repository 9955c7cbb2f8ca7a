import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { staffActionCommand } from '../staff-actions/staff-command.js';

/** /kick: in Discord and in Sonoran CMS at once, after a confirmation (see staff-command.ts). */
export const kick = staffActionCommand(
  'kick',
  new SlashCommandBuilder()
    .setName('kick')
    .setDescription('Kick a member from this server and their Sonoran CMS account')
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.KickMembers)
    .addUserOption((option) =>
      option.setName('member').setDescription('Who to kick').setRequired(true),
    )
    .addStringOption((option) =>
      option
        .setName('reason')
        .setDescription('Why: sent to them and kept in the audit channel')
        .setRequired(true)
        .setMaxLength(400),
    )
    .addBooleanOption((option) =>
      option
        .setName('in_cms')
        .setDescription('Also kick their Sonoran CMS account from the community (default: yes)'),
    ),
);
