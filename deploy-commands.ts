import { loadDeployConfig, readDotEnv } from './src/config.js';
import { deployCommands, describeDeployed } from './src/discord/deploy.js';
import { isMainModule } from './src/main-module.js';

/**
 * Registers the slash commands with Discord: with one guild when DISCORD_GUILD_ID is set (they
 * update at once), else globally for every guild the bot is in. Run it after adding or changing a
 * command definition (`npm run deploy-commands`); the bot registers them by itself only in the
 * sandbox. Needs DISCORD_TOKEN and DISCORD_CLIENT_ID only.
 */

/** Reads the Discord settings from `env`, deploys, and answers what was registered. */
export async function runDeployCommands(
  env: NodeJS.ProcessEnv = process.env,
  api?: string,
): Promise<string> {
  const { discord } = loadDeployConfig(env);
  return describeDeployed(await deployCommands({ ...discord, api: api ?? discord.apiUrl }));
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
