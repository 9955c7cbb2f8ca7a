import { setTimeout as sleep } from 'node:timers/promises';
import {
  Events,
  MessageFlags,
  type ChatInputCommandInteraction,
  type Interaction,
} from 'discord.js';
import type { BotContext } from '../../bot-context.js';
import { CmsError } from '../../cms/errors.js';
import { commandsByName } from '../../commands/index.js';
import { parseCustomId } from '../../discord/custom-id.js';
import { answer, answerFailure } from '../../discord/respond.js';
import { UserError } from '../../discord/user-error.js';
import type { InteractionOutcome } from '../../ops/metrics.js';
import { discordUnavailable } from '../../discord/discord-unavailable.js';
import { botEvent } from '../event.js';

const RESTARTING = 'The bot is restarting. Please try again in a minute.';
const DISCORD_TROUBLE = 'Discord had trouble with this request. Please try again in a moment.';
/**
 * A process shutting down lets a running peer claim an interaction first (a rolling deploy),
 * and tells the member to try again only if nobody did, well within Discord's 3 s.
 */
const GIVE_WAY_MS = 500;

/**
 * Every interaction comes through here: slash commands are acknowledged at once (within
 * Discord's 3 s) and handed to their command module; autocomplete and buttons go to the
 * command that owns them. Whatever a handler throws ends as an answer to the member.
 */
export const interactionCreate = botEvent({
  name: Events.InteractionCreate,
  async execute(context, interaction) {
    const receivedAt = performance.now();
    const { interactions } = context;
    if (!interactions.accepting) return giveWay(context, interaction);
    const work = claimAndRoute(context, interaction, receivedAt);
    // Past the shutdown grace period, a member still waiting is told to try again.
    const abandon = async () => {
      if (interaction.isRepliable()) await answer(interaction, RESTARTING).catch(() => {});
    };
    interactions.track(work, abandon);
    await work;
  },
});

/** Shutting down: a running bot process answers it, else the member is told to try again. */
async function giveWay(context: BotContext, interaction: Interaction): Promise<void> {
  await sleep(GIVE_WAY_MS);
  if (!(await context.claims.claim(interaction.id))) {
    // Rare and worth seeing: a rolling deploy working as meant.
    context.logger.info(
      { interaction: interaction.id },
      'stopping: another bot process took this interaction',
    );
    return;
  }
  if (interaction.isRepliable())
    await interaction.reply({ content: RESTARTING, flags: MessageFlags.Ephemeral }).catch(() => {});
  else if (interaction.isAutocomplete()) await interaction.respond([]).catch(() => {});
}

async function claimAndRoute(
  context: BotContext,
  interaction: Interaction,
  receivedAt: number,
): Promise<void> {
  // Another bot process on this token took it (see InteractionClaims): one line per
  // interaction in a two-process deployment, so only at debug.
  if (!(await context.claims.claim(interaction.id))) {
    context.logger.debug(
      { interaction: interaction.id },
      'another bot process took this interaction',
    );
    return;
  }
  await route(context, interaction, receivedAt);
}

async function route(
  context: BotContext,
  interaction: Interaction,
  receivedAt: number,
): Promise<void> {
  const logger = context.logger.child({ interaction: interaction.id });
  const { unanswered } = context;
  try {
    if (interaction.isChatInputCommand()) await runCommand(context, interaction, receivedAt);
    else if (interaction.isAutocomplete()) {
      const command = commandsByName.get(interaction.commandName);
      // An autocomplete that fails just offers nothing; the command itself still checks its input.
      await command?.autocomplete?.(interaction, context).catch(async (error: unknown) => {
        if (discordUnavailable(error)) return unanswered.failed(error, interaction.id);
        logger.warn({ err: error, command: interaction.commandName }, 'autocomplete failed');
        if (!interaction.responded) await interaction.respond([]).catch(() => {});
      });
    } else if (interaction.isButton()) {
      const id = parseCustomId(interaction.customId);
      const command = id && commandsByName.get(id.command);
      if (!command?.button)
        await answer(interaction, 'This button no longer works. Run the command again.');
      else await command.button(interaction, context);
    }
    if (interaction.isRepliable() && (interaction.replied || interaction.deferred))
      unanswered.answered();
  } catch (error) {
    if (!interaction.isRepliable()) return logger.error({ err: error }, 'an interaction failed');
    try {
      // Discord failed us, not the command: no error id, and only one line while it lasts.
      if (discordUnavailable(error)) {
        await answer(interaction, DISCORD_TROUBLE);
        logger.warn({ err: error }, 'Discord failed a request of this interaction');
      } else await answerFailure(interaction, error, logger);
      unanswered.answered();
    } catch (answerError) {
      unanswered.failed(answerError, interaction.id);
    }
  }
}

async function runCommand(
  context: BotContext,
  interaction: ChatInputCommandInteraction,
  receivedAt: number,
): Promise<void> {
  const command = commandsByName.get(interaction.commandName);
  if (!command) {
    await answer(
      interaction,
      'This command is not known to the bot (it may have been removed). Ask staff to redeploy the commands.',
    );
    return;
  }
  const { metrics } = context.ops;
  const name = command.data.name;
  let outcome: InteractionOutcome = 'failed';
  try {
    // First, always: Discord waits 3 s for an acknowledgement.
    await interaction.deferReply(command.ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    metrics.interaction(name, 'acknowledge', performance.now() - receivedAt);
    await command.execute(interaction, context);
    outcome = 'ok';
  } catch (error) {
    outcome =
      error instanceof UserError ? 'refused' : error instanceof CmsError ? 'cms_error' : 'failed';
    throw error;
  } finally {
    // A failure's answer (route's catch) follows at once; the time to it is the handler's.
    metrics.interaction(name, 'answer', performance.now() - receivedAt);
    metrics.interactionOutcome(name, outcome);
  }
}
