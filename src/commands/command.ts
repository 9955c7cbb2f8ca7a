import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  SlashCommandOptionsOnlyBuilder,
  SlashCommandSubcommandsOnlyBuilder,
} from 'discord.js';
import type { SlashCommandBuilder } from '@discordjs/builders';
import type { BotContext } from '../bot-context.js';

/**
 * One slash command: its definition (registered by deploy-commands) and its handlers. The
 * router acknowledges the interaction before `execute` runs (ephemerally when `ephemeral`), so
 * handlers answer with `editReply`.
 */
export interface Command {
  data: SlashCommandBuilder | SlashCommandOptionsOnlyBuilder | SlashCommandSubcommandsOnlyBuilder;
  /** Personal results: only the member who ran the command sees the answer. */
  ephemeral: boolean;
  execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void>;
  /** Suggestions while typing; must answer within 3 s, so it never waits on the CMS queue. */
  autocomplete?(interaction: AutocompleteInteraction, context: BotContext): Promise<void>;
  /** Buttons whose custom id starts with `<command name>:` (see src/discord/custom-id.ts). */
  button?(interaction: ButtonInteraction, context: BotContext): Promise<void>;
}
