import { REST, Routes } from 'discord.js';
import { commands } from './src/commands/index.js';
import { ConfigError, loadConfig, readDotEnv } from './src/config.js';

/**
 * Registers the slash commands with Discord for the configured guild. Run it after adding or
 * changing a command definition (`npm run deploy-commands`); the bot itself never does.
 * Guild commands update at once; the list sent replaces what the guild had.
 */
export async function deployCommands(options: { token: string; clientId: string; guildId: string; api?: string }): Promise<number> {
  const rest = new REST(options.api ? { api: options.api } : {}).setToken(options.token);
  const body = commands.map((command) => command.data.toJSON());
  const deployed = (await rest.put(Routes.applicationGuildCommands(options.clientId, options.guildId), { body })) as unknown[];
  return deployed.length;
}

async function main(): Promise<void> {
  readDotEnv();
  const config = loadConfig();
  if (!config.discord) throw new ConfigError(['DISCORD_TOKEN, DISCORD_CLIENT_ID and DISCORD_GUILD_ID: needed to deploy commands']);
  const count = await deployCommands(config.discord);
  console.log(`Deployed ${count} slash command(s) to guild ${config.discord.guildId}.`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    // Config errors list every problem without secrets; Discord errors carry no token.
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
