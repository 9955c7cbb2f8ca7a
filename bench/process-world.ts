import { Writable } from 'node:stream';
import {
  startCmsEmulator,
  type CmsEmulator,
  type CmsEmulatorOptions,
} from '../src/cms/emulator/server.js';
import { loadConfig, type Config } from '../src/config.js';
import { startDiscordEmulator, type DiscordEmulator } from '../src/dev/discord-emulator/index.js';
import { startLocalRedis, type LocalRedis } from '../src/dev/redis-server.js';
import { SANDBOX_GUILD, sandboxGuild } from '../src/dev/sandbox-guild.js';
import { deployCommands } from '../src/discord/deploy.js';
import { createLogger, type Logger } from '../src/logger.js';
import { QueueKeys, startCmsQueue, type CmsQueue } from '../src/queue/index.js';
import { spawnNode, type NodeProcess } from './node-process.js';

export interface WorldOptions {
  /** A Redis of the world's own (persistent unless `persist: false`), or one at `url` (a cluster). */
  redis?: { persist?: boolean } | { url: string };
  cms?: CmsEmulatorOptions;
  /** Settings for every process (the caller's own queue too). */
  env?: Record<string, string>;
}

/**
 * Real processes between the emulators, for the fault tests and the soak benchmark: a
 * redis-server, the CMS emulator and the Discord emulator (with the slash commands registered)
 * run in the caller's process; `npm start` and `npm run worker` run as child processes pointed
 * at them. The caller may also submit CMS calls itself, as one more process sharing the Redis.
 */
export interface ProcessWorld {
  redis: LocalRedis | null;
  redisUrl: string;
  cms: CmsEmulator;
  discord: DiscordEmulator;
  env: Record<string, string>;
  config: Config;
  keys: QueueKeys;
  /** The caller's own log (its queue's lines). */
  logger: Logger;
  /** `npm start`, once it logged "bot ready". */
  spawnBot(overrides?: Record<string, string>, name?: string): Promise<NodeProcess>;
  /** `npm run worker` serving every operation, once it logged "CMS workers ready". */
  spawnWorker(overrides?: Record<string, string>, name?: string): Promise<NodeProcess>;
  /** A worker that may not start (it is refused): not waited for. */
  spawnWorkerUnchecked(overrides?: Record<string, string>, name?: string): NodeProcess;
  /** A CMS queue in this process, as one more submitter. */
  startQueue(): Promise<CmsQueue>;
  stop(): Promise<void>;
}

export async function startWorld(options: WorldOptions = {}): Promise<ProcessWorld> {
  const stops: (() => Promise<unknown>)[] = [];
  const processes: NodeProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
    for (const step of stops.reverse()) await step().catch(() => {});
  };
  try {
    let redis: LocalRedis | null = null;
    if (!options.redis || !('url' in options.redis)) {
      redis = await startLocalRedis({ persist: options.redis?.persist ?? true });
      stops.push(() => redis!.stop());
    }
    const redisUrl = redis?.url ?? (options.redis as { url: string }).url;
    const cms = await startCmsEmulator({
      apiKey: `fault-key-${Math.random().toString(36).slice(2)}`,
      ...options.cms,
    });
    stops.push(() => cms.close());
    const discord = await startDiscordEmulator({ guilds: [sandboxGuild()] });
    stops.push(() => discord.close());
    await deployCommands({
      token: discord.token,
      clientId: discord.applicationId,
      guildId: SANDBOX_GUILD.guild,
      api: discord.apiUrl,
    });
    const env: Record<string, string> = {
      REDIS_URL: redisUrl,
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
      RECONCILE_EVERY: '0',
      ...options.env,
    };
    const config = loadConfig(env);
    const logger = createLogger({
      level: 'silent',
      destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
    });
    const spawnWorkerUnchecked = (overrides: Record<string, string> = {}, name = 'worker') => {
      const worker = spawnNode(
        'src/worker.ts',
        { ...env, CMS_WORKER_OPERATIONS: 'all', ...overrides },
        name,
      );
      processes.push(worker);
      return worker;
    };
    return {
      redis,
      redisUrl,
      cms,
      discord,
      env,
      config,
      keys: new QueueKeys(config.cms.communityId, config.cms.apiKey),
      logger,
      spawnBot: async (overrides = {}, name = 'bot') => {
        const bot = spawnNode('src/index.ts', { ...env, ...overrides }, name);
        processes.push(bot);
        await bot.logged('bot ready', 30_000);
        return bot;
      },
      spawnWorker: async (overrides = {}, name = 'worker') => {
        const worker = spawnWorkerUnchecked(overrides, name);
        await worker.logged('CMS workers ready', 30_000);
        return worker;
      },
      spawnWorkerUnchecked,
      startQueue: async () => {
        const started = await startCmsQueue(config, logger);
        stops.push(started.close);
        return started.queue;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
