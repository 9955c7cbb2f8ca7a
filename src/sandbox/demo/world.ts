import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { startBot, type RunningBot } from '../../bot.js';
import { SANDBOX_COMMUNITY_ID } from '../../cms/emulator/seed.js';
import { startCmsEmulator, type CmsEmulator } from '../../cms/emulator/server.js';
import { loadConfig } from '../../config.js';
import { startDiscordEmulator, type DiscordEmulator } from '../../dev/discord-emulator/index.js';
import { freePort, startLocalRedis, type LocalRedis } from '../../dev/redis-server.js';
import { SANDBOX_GUILD, sandboxGuild } from '../../dev/sandbox-guild.js';
import { createLogger } from '../../logger.js';
import type { Lifecycle } from '../../shutdown.js';

/**
 * The CMS's rate window, compressed (the CMS is an emulator on this machine): the reconciler's
 * paced first pass takes a second, not a minute.
 */
const CMS_WINDOW_MS = 2_000;

/** Everything the demo runs: a Redis, both emulators and the real bot between them. */
export interface DemoWorld {
  redis: LocalRedis;
  cms: CmsEmulator;
  discord: DiscordEmulator;
  bot: RunningBot;
  /** A display name for a user, role or channel id of the sandbox guild. */
  name(id: string): string | undefined;
}

/** Display names of the sandbox guild's members, roles and channels, by id. */
function guildNames(): Map<string, string> {
  const guild = sandboxGuild();
  return new Map([
    ...guild.members.map((m) => [m.id, m.globalName ?? m.username] as const),
    ...guild.roles.map((r) => [r.id, r.name] as const),
    ...guild.channels.map((c) => [c.id, c.name] as const),
  ]);
}

/**
 * Starts each part registered with `life` as it starts, so any failure or Ctrl-C stops what
 * is already running. The bot is configured as `SANDBOX=true npm start` would be, except that
 * its CMS is the emulator started here; its log goes to stderr at `logLevel`.
 */
export async function startDemoWorld(life: Lifecycle, logLevel: string): Promise<DemoWorld> {
  const redis = await life.start(
    startLocalRedis({ persist: false }),
    (r) => r.stop(),
    (r) => r.kill(),
  );
  // A key of its own: on a shared Redis (REDIS_URL) no earlier run's caches or jobs are seen.
  const apiKey = `demo-${randomBytes(8).toString('hex')}`;
  // Changes made in the CMS's web panel reach the bot as push events, as Sonoran sends them.
  const pushPort = await freePort();
  const cms = await life.start(
    startCmsEmulator({
      port: 0,
      apiKey,
      communityId: SANDBOX_COMMUNITY_ID,
      windowMs: CMS_WINDOW_MS,
      pushUrl: `http://127.0.0.1:${pushPort}/sonorancms/events`,
    }),
    (e) => e.close(),
  );
  const discord = await life.start(startDiscordEmulator({ guilds: [sandboxGuild()] }), (d) =>
    d.close(),
  );
  const config = loadConfig(
    {
      SANDBOX: 'true',
      LOG_LEVEL: logLevel,
      REDIS_URL: redis.url,
      CMS_API_URL: cms.url,
      CMS_API_KEY: apiKey,
      CMS_COMMUNITY_ID: SANDBOX_COMMUNITY_ID,
      DISCORD_TOKEN: discord.token,
      DISCORD_CLIENT_ID: discord.applicationId,
      DISCORD_GUILD_ID: SANDBOX_GUILD.guild,
      AUDIT_CHANNEL_ID: SANDBOX_GUILD.channels.audit,
      DISCORD_API_URL: discord.apiUrl,
      ON_DUTY_ROLE_ID: SANDBOX_GUILD.roles.onDuty,
      CMS_RATE_WINDOW_MS: String(CMS_WINDOW_MS),
      PUSH_PORT: String(pushPort),
      PUSH_HOST: '127.0.0.1',
      // The demo runs one reconciliation pass itself, at start (below).
      RECONCILE_EVERY: '1h',
    },
    { discord: true },
  );
  const logger = createLogger({
    level: config.logLevel,
    name: 'bot',
    secrets: config.secrets,
    // stdout is the transcript.
    destination: pino.destination({ dest: 2, sync: true }),
  });
  // SANDBOX: the bot registers its commands in the guild as it starts.
  const bot = await life.start(startBot(config, logger, { reconcileOnTimer: false }), (b) =>
    b.close(1_000),
  );
  // The audit pipeline's snapshot of every account (ranks included), so a change made in the
  // panel later is told as a change ("rank Officer -> Sergeant"). A first pass posts nothing.
  await life.wait(bot.reconciler!.runPass());
  // Autocomplete answers from this cache only; the bot fills it at start, in the background.
  await life.wait(bot.context.cms.community.clockInTypes.get());
  const names = guildNames();
  return { redis, cms, discord, bot, name: (id) => names.get(id) };
}
