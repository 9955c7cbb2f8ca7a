import { SlashCommandBuilder } from '@discordjs/builders';
import {
  escapeMarkdown,
  InteractionContextType,
  type ChatInputCommandInteraction,
  type User,
} from 'discord.js';
import type { BotContext } from '../bot-context.js';
import { CmsError } from '../cms/errors.js';
import type { LinkedAccount } from '../cms/service/index.js';
import type { GameServer } from '../cms/service/community.js';
import { cmsCouldNotAnswer } from '../cms/service/could-not-answer.js';
import type { FallbackCheck, WhitelistCheck } from '../cms/service/whitelist.js';
import { describeCmsFailure } from '../discord/cms-error-text.js';
import { parseCustomId } from '../discord/custom-id.js';
import { discordTime, mention } from '../discord/format.js';
import { cachedServer, chooseServer, suggestServers } from '../discord/game-servers.js';
import { interactionCalls } from '../discord/interaction-calls.js';
import { createdNote, linkedAccountOf } from '../discord/linking.js';
import { refuseOthers, targetPage } from '../discord/pagination.js';
import { answer } from '../discord/respond.js';
import { requireStaff } from '../discord/staff.js';
import { UserError } from '../discord/user-error.js';
import type { Command } from './command.js';
import { whitelistPage } from './whitelist-page.js';

/** Names come from the CMS: shown as typed there, never as formatting. */
const bold = (name: string) => `**${escapeMarkdown(name)}**`;

/** The CMS answered 404: the server (or the account) is gone since the bot last looked. */
function isNotFound(error: unknown): boolean {
  return error instanceof CmsError && error.kind === 'http' && error.status === 404;
}

/** How replies name the member checked: the invoker as "you", anyone else by mention. */
interface Subject {
  self: boolean;
  /** "You are" / "<@id> is" */
  is: string;
  /** "You were" / "<@id> was" */
  was: string;
}

function subjectOf(target: User, self: boolean): Subject {
  return self
    ? { self, is: 'You are', was: 'You were' }
    : { self, is: `${mention(target.id)} is`, was: `${mention(target.id)} was` };
}

function verdictText(who: Subject, server: GameServer, verdict: WhitelistCheck): string {
  if (verdict.status === 'allowed')
    return `✅ ${who.is} whitelisted on ${bold(server.name)} (CMS account ${bold(verdict.name)}).`;
  const lines = [`❌ ${who.is} **not** whitelisted on ${bold(server.name)}: Sonoran CMS said no.`];
  if (who.self) lines.push('If you think this is wrong, ask a staff member.');
  return lines.join('\n');
}

/** Said only when the CMS gave no answer: never worded as a "no". */
function fallbackText(
  who: Subject,
  server: GameServer,
  fallback: FallbackCheck | null,
  error: unknown,
): string {
  if (!fallback) {
    const whether = who.self ? 'you are' : who.is;
    return [
      `⚠️ Sonoran CMS could not answer, and the bot has no earlier copy of the whitelist of ${bold(server.name)}, so it cannot tell whether ${whether} whitelisted.`,
      describeCmsFailure(error) ?? 'Please try again in a few minutes.',
    ].join('\n');
  }
  const listed = fallback.listed
    ? `${who.was} on it${fallback.name ? ` (as ${bold(fallback.name)})` : ''}.`
    : `${who.was} **not** on it.`;
  return [
    `⚠️ Sonoran CMS could not answer just now. This is a fallback: the bot's last copy of the whitelist of ${bold(server.name)}, from ${discordTime(fallback.fetchedAt, 'R')}, which may be out of date.`,
    listed,
  ].join('\n');
}

/** Another member's CMS account, or a UserError saying they have not linked one. */
async function accountOf(
  target: User,
  interaction: ChatInputCommandInteraction,
  context: BotContext,
): Promise<LinkedAccount> {
  const account = await context.cms.links.find(
    { id: target.id, username: target.username },
    interactionCalls(interaction),
  );
  if (!account)
    throw new UserError(
      `${mention(target.id)} has not linked their Discord to a Sonoran CMS account, so the CMS cannot check them.`,
      'member-not-linked',
    );
  return account;
}

async function check(interaction: ChatInputCommandInteraction, context: BotContext) {
  const target = interaction.options.getUser('member') ?? interaction.user;
  const who = subjectOf(target, target.id === interaction.user.id);
  if (!who.self) requireStaff(interaction, "check another member's whitelist");
  const server = await chooseServer(context, interaction.options.getString('server'));
  const lists = context.cms.whitelist;
  // Keeps this server's fallback list fresh: a background read when stale, never waited for.
  void lists
    .full(server.id)
    .peek()
    .catch(() => {});
  try {
    const account = who.self
      ? await linkedAccountOf(interaction, context)
      : await accountOf(target, interaction, context);
    const verdict = await lists.check(account, server.id, interactionCalls(interaction));
    const notes = who.self ? [createdNote(account)] : [];
    const content = [verdictText(who, server, verdict), ...notes].filter(Boolean).join('\n');
    await interaction.editReply({ content, embeds: [], components: [] });
  } catch (error) {
    if (isNotFound(error)) {
      // The cached server list may be behind the CMS: bring a new one for the next try.
      void context.cms.community.servers.refresh('background').catch(() => {});
      throw new UserError(
        `Sonoran CMS does not know ${bold(server.name)} (or ${who.self ? 'your' : 'their'} account) any more. Pick a server from the list and try again.`,
        'not-found',
      );
    }
    if (!cmsCouldNotAnswer(error)) throw error;
    context.logger.warn(
      { err: error, server: server.id, user: target.id },
      'the CMS could not check a whitelist; answering from the kept list',
    );
    const fallback = await lists.fallbackCheck(target.id, server.id);
    await interaction.editReply({
      content: fallbackText(who, server, fallback, error),
      embeds: [],
      components: [],
    });
  }
}

async function list(interaction: ChatInputCommandInteraction, context: BotContext) {
  requireStaff(interaction, 'see the whole whitelist');
  const server = await chooseServer(context, interaction.options.getString('server'));
  // Read once: the buttons page through the copy kept in Redis.
  const cached = await context.cms.whitelist.latest(server.id, interactionCalls(interaction));
  await interaction.editReply(whitelistPage(interaction.user.id, server, cached, 0));
}

export const whitelist: Command = {
  data: new SlashCommandBuilder()
    .setName('whitelist')
    .setDescription('Game server whitelists in Sonoran CMS')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) =>
      sub
        .setName('check')
        .setDescription('Whether you (or, for staff, another member) may join a game server')
        .addUserOption((option) =>
          option.setName('member').setDescription('Staff only: the member to check (default: you)'),
        )
        .addStringOption((option) =>
          option
            .setName('server')
            .setDescription('The game server (default: the main one)')
            .setAutocomplete(true)
            .setMaxLength(100),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('list')
        .setDescription('Staff only: everyone whitelisted on a game server')
        .addStringOption((option) =>
          option
            .setName('server')
            .setDescription('The game server (default: the main one)')
            .setAutocomplete(true)
            .setMaxLength(100),
        ),
    ),
  ephemeral: true,

  async execute(interaction, context) {
    if (!interaction.inCachedGuild())
      throw new UserError("Use this command in the community's Discord server.", 'guild-only');
    if (interaction.options.getSubcommand() === 'list') return list(interaction, context);
    return check(interaction, context);
  },

  autocomplete: suggestServers,

  async button(interaction, context) {
    const id = parseCustomId(interaction.customId);
    if (id?.action !== 'page')
      return answer(interaction, 'This button no longer works. Run the command again.');
    if (await refuseOthers(interaction, id.invokerId)) return;
    const serverId = Number(id.args[0]);
    // From the copy kept in Redis: a click never waits on the CMS.
    const cached = await context.cms.whitelist.full(serverId).read();
    if (!cached) {
      await interaction.update({
        content: 'This list is no longer kept. Run `/whitelist list` again.',
        embeds: [],
        components: [],
      });
      return;
    }
    const server = await cachedServer(context, serverId);
    await interaction.update(whitelistPage(id.invokerId, server, cached, targetPage(id)));
  },
};
