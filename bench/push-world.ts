import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { AuditIntake } from '../src/audit/intake.js';
import { startBot } from '../src/bot.js';
import { startCmsEmulator } from '../src/cms/emulator/server.js';
import { loadConfig } from '../src/config.js';
import { startDiscordEmulator, type DiscordEmulator } from '../src/dev/discord-emulator/index.js';
import { startLocalRedis } from '../src/dev/redis-server.js';
import { SANDBOX_GUILD, sandboxGuild } from '../src/dev/sandbox-guild.js';
import { createPushReceiver, PUSH_PATH } from '../src/events/cms/push-receiver.js';
import { createLogger } from '../src/logger.js';
import { createRedisConnection } from '../src/queue/redis.js';
import type { Lifecycle } from '../src/shutdown.js';

/** Discord's default for a channel is 5 messages per 5 s; 5,000 notices would take minutes. */
export const CHANNEL_MESSAGES_PER_SECOND = 50;

export interface PushWorld {
  /** The push receiver's URL, and the key it expects. */
  url: string;
  apiKey: string;
  /** The Redis the intake stores in, and the intake's key prefix. */
  redis: Redis;
  namespace: string;
  /** The audit channel's side; null with --receiver-only (nothing is delivered). */
  discord: DiscordEmulator | null;
  /** The receiver's (and the bot's) log lines at warn and above. */
  warnings: string[];
}

function warningLogger(secrets: string[], warnings: string[]) {
  return createLogger({
    level: 'warn',
    secrets,
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        warnings.push(chunk.toString().trim());
        callback();
      },
    }),
  });
}

/**
 * What bench:push runs against: its own Redis, the CMS emulator (for the bot's own reads), the
 * Discord emulator (the sandbox guild, channel messages raised to 50 a second) and the bot with
 * its push receiver on a free port, each stopped by `life`.
 */
export async function startPushWorld(
  life: Lifecycle,
  options: { persist: boolean; perMinute: number },
): Promise<PushWorld> {
  const redis = await life.start(
    startLocalRedis({ persist: options.persist }),
    (r) => r.stop(),
    (r) => r.kill(),
  );
  const cms = await life.start(startCmsEmulator({ port: 0 }), (c) => c.close());
  const discord = await life.start(
    startDiscordEmulator({
      guilds: [sandboxGuild()],
      rateLimits: { channelMessages: { limit: CHANNEL_MESSAGES_PER_SECOND, windowMs: 1_000 } },
    }),
    (d) => d.close(),
  );
  const config = loadConfig(
    {
      LOG_LEVEL: 'warn',
      REDIS_URL: redis.url,
      CMS_API_URL: cms.url,
      CMS_API_KEY: cms.apiKey,
      CMS_COMMUNITY_ID: cms.communityId,
      DISCORD_TOKEN: discord.token,
      DISCORD_CLIENT_ID: discord.applicationId,
      DISCORD_GUILD_ID: SANDBOX_GUILD.guild,
      AUDIT_CHANNEL_ID: SANDBOX_GUILD.channels.audit,
      DISCORD_API_URL: discord.apiUrl,
      PUSH_PORT: '0',
      PUSH_HOST: '127.0.0.1',
      // Every request comes from 127.0.0.1: the flood limit must let the whole run through.
      PUSH_RATE_LIMIT_PER_MINUTE: String(options.perMinute),
      RECONCILE_EVERY: '0',
    },
    { discord: true },
  );
  const warnings: string[] = [];
  const logger = warningLogger(config.secrets, warnings);
  const bot = await life.start(startBot(config, logger), (b) => b.close(1_000));
  // The notices name ranks from the departments cache: fill it first, as a running bot has it.
  await life.wait(bot.context.cms.community.departments.get());
  const { redis: connection, namespace } = bot.context;
  return { url: bot.pushUrl!, apiKey: cms.apiKey, redis: connection, namespace, discord, warnings };
}

/**
 * --receiver-only: the push receiver and the intake's store alone, on a Redis of their own,
 * with no bot around them (nothing processes or delivers): what the accept path costs by itself.
 */
export async function startReceiverOnly(
  life: Lifecycle,
  options: { persist: boolean; perMinute: number },
): Promise<PushWorld> {
  const redis = await life.start(
    startLocalRedis({ persist: options.persist }),
    (r) => r.stop(),
    (r) => r.kill(),
  );
  const connection = createRedisConnection(redis.url, 'worker');
  life.add(async () => connection.disconnect());
  const apiKey = 'bench-receiver-only-key';
  const namespace = 'bench-receiver-only';
  const warnings: string[] = [];
  const logger = warningLogger([apiKey], warnings);
  const intake = new AuditIntake({
    connection,
    namespace,
    // Never started: accept only stores, and these are what processing would use.
    snapshots: null as never,
    audit: null as never,
    rankNames: async () => new Map(),
    logger,
  });
  const receiver = await life.start(
    createPushReceiver({
      apiKey,
      intake,
      logger,
      allowedSenders: null,
      perAddressPerMinute: options.perMinute,
    }),
    (r) => r.close(),
  );
  await receiver.listen({ port: 0, host: '127.0.0.1' });
  const { port } = receiver.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${PUSH_PATH}`,
    apiKey,
    redis: connection,
    namespace,
    discord: null,
    warnings,
  };
}
