import { Writable } from 'node:stream';
import { startBot, type RunningBot, type StartBotOptions } from '../../src/bot.js';
import {
  startCmsEmulator,
  type CmsEmulator,
  type CmsEmulatorOptions,
} from '../../src/cms/emulator/server.js';
import { loadConfig } from '../../src/config.js';
import { deployCommands } from '../../src/discord/deploy.js';
import {
  startDiscordEmulator,
  type DiscordEmulator,
  type DiscordEmulatorOptions,
  type SlashCommandInput,
} from '../../src/dev/discord-emulator/index.js';
import { SANDBOX_GUILD, sandboxGuild } from '../../src/dev/sandbox-guild.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { freePort, startTestRedis, type TestRedis } from './redis.js';

/**
 * The whole bot, unmodified, between the two emulators: its own Redis, the CMS emulator, the
 * Discord emulator (seeded with the sandbox guild, whose members' ids match the CMS accounts),
 * and `startBot` itself with the real discord.js client. Tests inject interactions and read the
 * replies, messages and CMS state.
 */
export interface BotHarness {
  redis: TestRedis;
  cms: CmsEmulator;
  discord: DiscordEmulator;
  bot: RunningBot;
  env: Record<string, string>;
  logger: Logger;
  logLines(): Record<string, unknown>[];
  /** Runs a slash command in the sandbox guild; the handle records every response. */
  slash(
    input: Omit<SlashCommandInput, 'guildId' | 'channelId'> & { channelId?: string },
  ): ReturnType<DiscordEmulator['slashCommand']>;
  stop(): Promise<void>;
}

export interface BotHarnessOptions {
  /** Start the push receiver, and have the CMS emulator send its push events there. */
  push?: boolean;
  cms?: CmsEmulatorOptions;
  discord?: DiscordEmulatorOptions;
  env?: Record<string, string>;
  /** How the bot is started (e.g. `reconcileOnTimer: false`: passes only when a test runs one). */
  bot?: StartBotOptions;
}

export async function startBotHarness(options: BotHarnessOptions = {}): Promise<BotHarness> {
  const redis = await startTestRedis();
  const pushPort = options.push ? await freePort() : null;
  const cms = await startCmsEmulator({
    ...(pushPort ? { pushUrl: `http://127.0.0.1:${pushPort}/sonorancms/events` } : {}),
    apiKey: `bot-test-key-${Math.random().toString(36).slice(2)}`,
    ...options.cms,
  });
  const discord = await startDiscordEmulator({ guilds: [sandboxGuild()], ...options.discord });
  const env: Record<string, string> = {
    LOG_LEVEL: 'info',
    REDIS_URL: redis.url,
    CMS_API_URL: cms.url,
    CMS_API_KEY: cms.apiKey,
    CMS_COMMUNITY_ID: cms.communityId,
    CMS_RATE_WINDOW_MS: String(options.cms?.windowMs ?? 60_000),
    CMS_TIMEOUT_MS: '2000',
    CMS_RETRY_BASE_MS: '50',
    DISCORD_TOKEN: discord.token,
    DISCORD_CLIENT_ID: discord.applicationId,
    DISCORD_GUILD_ID: SANDBOX_GUILD.guild,
    AUDIT_CHANNEL_ID: SANDBOX_GUILD.channels.audit,
    DISCORD_API_URL: discord.apiUrl,
    ON_DUTY_ROLE_ID: SANDBOX_GUILD.roles.onDuty,
    ...(pushPort ? { PUSH_PORT: String(pushPort), PUSH_HOST: '127.0.0.1' } : {}),
    // No reconciler unless a test asks for one: its reads would land in other tests' CMS stats.
    RECONCILE_EVERY: '0',
    ...options.env,
  };
  const config = loadConfig(env, { discord: true });
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    secrets: config.secrets,
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    }),
  });
  // Registered as deploy-commands would: the emulator then checks each injected option against them.
  await deployCommands({
    token: discord.token,
    clientId: discord.applicationId,
    guildId: SANDBOX_GUILD.guild,
    api: discord.apiUrl,
  });
  const bot = await startBot(config, logger, options.bot);
  return {
    redis,
    cms,
    discord,
    bot,
    env,
    logger,
    logLines: () =>
      lines
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    slash: (input) =>
      discord.slashCommand({
        guildId: SANDBOX_GUILD.guild,
        channelId: SANDBOX_GUILD.channels.general,
        ...input,
      }),
    stop: async () => {
      // The client goes first: closing the Discord emulator under it would make it reconnect.
      await bot.close(1_000);
      await discord.close();
      await cms.close();
      await redis.stop();
    },
  };
}
