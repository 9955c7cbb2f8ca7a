import { REST, Routes } from 'discord.js';
import { commands } from './src/commands/index.js';
import { loadDeployConfig, readDotEnv } from './src/config.js';
import { isMainModule } from './src/main-module.js';

/**
 * Registers the slash commands with Discord: with one guild when DISCORD_GUILD_ID is set (they
 * update at once), else globally for every guild the bot is in. Run it after adding or changing a
 * command definition (`npm run deploy-commands`); the bot itself never does. The list sent
 * replaces what was registered there before. Needs DISCORD_TOKEN and DISCORD_CLIENT_ID only.
 */

export interface Deployed {
  /** The guild registered with, or null for global commands. */
  guildId: string | null;
  names: string[];
}

export async function deployCommands(options: {
  token: string;
  clientId: string;
  guildId: string | null;
  api?: string;
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

/** Reads the Discord settings from `env`, deploys, and answers what was registered. */
export async function runDeployCommands(
  env: NodeJS.ProcessEnv = process.env,
  api?: string,
): Promise<string> {
  const { discord } = loadDeployConfig(env);
  return describeDeployed(await deployCommands({ ...discord, api }));
}

if (isMainModule(import.meta.url)) {
  readDotEnv();
  runDeployCommands().then(
    (report) => console.log(report),
    (error: unknown) => {
      // Config errors list every problem without values; Discord errors carry no token.
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
