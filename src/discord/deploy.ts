import { REST, Routes } from 'discord.js';
import { commands } from '../commands/index.js';

export interface Deployed {
  /** The guild registered with, or null for global commands. */
  guildId: string | null;
  names: string[];
}

/**
 * Registers the slash commands: with one guild (they update at once), or globally for every
 * guild the bot is in. The list sent replaces what was registered there before.
 */
export async function deployCommands(options: {
  token: string;
  clientId: string;
  guildId: string | null;
  api?: string | null;
}): Promise<Deployed> {
  const rest = new REST(options.api ? { api: options.api } : {}).setToken(options.token);
  const body = commands.map((command) => command.data.toJSON());
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.clientId, options.guildId)
    : Routes.applicationCommands(options.clientId);
  const deployed = (await rest.put(route, { body })) as { name: string }[];
  return { guildId: options.guildId, names: deployed.map((command) => command.name) };
}

export function describeDeployed({ guildId, names }: Deployed): string {
  const where = guildId ? `guild ${guildId}` : 'every guild (global commands)';
  const list = names.length > 0 ? names.map((name) => `/${name}`).join(', ') : 'none yet';
  return `Registered ${names.length} slash command(s) with ${where}, replacing what was there: ${list}.`;
}
