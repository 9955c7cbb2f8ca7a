import { randomBytes } from 'node:crypto';
import { DiscordjsErrorCodes, MessageFlags, type RepliableInteraction } from 'discord.js';
import type { Logger } from '../logger.js';
import { describeCmsFailure } from './cms-error-text.js';
import { UserError } from './user-error.js';

/** A short id to quote: the same id is in the log line with the whole error. */
export function newErrorId(): string {
  return randomBytes(4).toString('hex');
}

/**
 * Answers an interaction whose handler failed: a UserError as it is, a CMS failure in plain
 * words, anything else as one short line with an error id that is in the log (the error, its
 * stack and its details stay there; nothing of them, and no key, reaches Discord).
 */
export async function answerFailure(
  interaction: RepliableInteraction,
  error: unknown,
  logger: Logger,
): Promise<void> {
  let text: string;
  if (error instanceof UserError) {
    text = error.message;
  } else if (staleDefinition(error)) {
    logger.warn(
      { err: error, user: interaction.user.id },
      'an interaction came with options the bot does not define',
    );
    text = STALE_DEFINITION;
  } else {
    const cms = describeCmsFailure(error);
    if (cms) {
      logger.warn(
        { err: error, user: interaction.user.id },
        'a CMS call for an interaction failed',
      );
      text = cms;
    } else {
      const errorId = newErrorId();
      logger.error({ err: error, errorId, user: interaction.user.id }, 'an interaction failed');
      text = `Something went wrong on our side (error id \`${errorId}\`). Please try again; if it keeps happening, tell a staff member the error id.`;
    }
  }
  await answer(interaction, text);
}

const STALE_DEFINITION =
  "This command came with options the bot does not expect (Discord's copy of it may be out of date). Please tell a staff member: running deploy-commands again fixes it.";

/** Options that do not match the command as the bot defines it (its registration is out of date). */
const OPTION_MISMATCHES = new Set<unknown>([
  DiscordjsErrorCodes.CommandInteractionOptionNotFound,
  DiscordjsErrorCodes.CommandInteractionOptionType,
  DiscordjsErrorCodes.CommandInteractionOptionEmpty,
  DiscordjsErrorCodes.CommandInteractionOptionNoSubcommand,
  DiscordjsErrorCodes.CommandInteractionOptionNoSubcommandGroup,
]);

function staleDefinition(error: unknown): boolean {
  return OPTION_MISMATCHES.has((error as { code?: unknown } | null)?.code);
}

/** Puts `text` in the interaction's reply, whatever state the reply is in. */
export async function answer(interaction: RepliableInteraction, text: string): Promise<void> {
  if (interaction.deferred || interaction.replied) {
    await interaction.editReply({ content: text, embeds: [], components: [] });
  } else {
    await interaction.reply({ content: text, flags: MessageFlags.Ephemeral });
  }
}
