import type { AutocompleteInteraction } from 'discord.js';
import type { BotContext } from '../bot-context.js';
import type { GameServer } from '../cms/service/community.js';
import { cmsCouldNotAnswer } from '../cms/service/could-not-answer.js';
import { matchTyped } from './autocomplete.js';
import { UserError } from './user-error.js';

/** A server known only by its id (the CMS could not list the servers). */
function byIdOnly(id: number): GameServer {
  return { id, name: `server ${id}` };
}

function findServer(servers: GameServer[], asked: string): GameServer {
  const wanted = asked.trim().toLowerCase();
  const found = servers.find((s) => String(s.id) === wanted || s.name.toLowerCase() === wanted);
  if (found) return found;
  const known = servers.map((s) => `${s.name} (${s.id})`).join(', ');
  throw new UserError(
    servers.length > 0
      ? `There is no game server "${asked}". The servers are: ${known}.`
      : 'This community has no game servers set up in Sonoran CMS yet.',
    'unknown-server',
  );
}

/**
 * The game server a member asked for (by id or name); when none, CMS_DEFAULT_SERVER_ID, else the
 * community's first. Reads the cached server list; if the CMS cannot list them, an id the member
 * typed (or the configured default) is still used as it is.
 */
export async function chooseServer(context: BotContext, asked: string | null): Promise<GameServer> {
  const configured = context.config.discord.defaultServerId;
  let servers: GameServer[];
  try {
    servers = (await context.cms.community.servers.get()).value;
  } catch (error) {
    const id = asked === null ? configured : /^\d+$/.test(asked.trim()) ? Number(asked) : null;
    if (id !== null && cmsCouldNotAnswer(error)) return byIdOnly(id);
    throw error;
  }
  if (asked !== null) return findServer(servers, asked);
  if (configured !== null) return servers.find((s) => s.id === configured) ?? byIdOnly(configured);
  const first = servers[0];
  if (!first)
    throw new UserError(
      'This community has no game servers set up in Sonoran CMS yet.',
      'no-servers',
    );
  return first;
}

/** The server a button names by id, with its name from the cache when known. */
export async function cachedServer(context: BotContext, id: number): Promise<GameServer> {
  const cached = await context.cms.community.servers.read();
  return cached?.value.find((s) => s.id === id) ?? byIdOnly(id);
}

/** Autocomplete of a server option: from the cache only, never waiting on the CMS queue. */
export async function suggestServers(
  interaction: AutocompleteInteraction,
  context: BotContext,
): Promise<void> {
  const cached = await context.cms.community.servers.peek();
  const choices = matchTyped(cached?.value ?? [], interaction.options.getFocused(), (s) => [
    s.name,
    String(s.id),
  ]);
  await interaction.respond(
    choices.slice(0, 25).map((s) => ({ name: s.name.slice(0, 100), value: String(s.id) })),
  );
}
