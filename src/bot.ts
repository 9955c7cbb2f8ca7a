import type { Client } from 'discord.js';
import { AccountSnapshots } from './audit/account-snapshots.js';
import { AuditLog } from './audit/audit-log.js';
import { discordSync } from './audit/discord-sync.js';
import { AuditIntake } from './audit/intake.js';
import { rankNamesOf } from './audit/rank-names.js';
import { Reconciler, type ReconcilerOptions } from './audit/reconciler.js';
import { createPushReceiver, PUSH_PATH } from './events/cms/push-receiver.js';
import type { BotContext } from './bot-context.js';
import {
  BOT_OPERATIONS,
  createCmsService,
  type CmsService,
  type LinkedAccount,
} from './cms/service/index.js';
import type { Config, DiscordConfig } from './config.js';
import { createDiscordClient } from './discord/client.js';
import { deployCommands, describeDeployed } from './discord/deploy.js';
import { InFlightInteractions } from './discord/in-flight.js';
import { InteractionClaims } from './discord/interaction-claims.js';
import { UnansweredInteractions } from './discord/unanswered.js';
import { discordEvents } from './events/index.js';
import type { Logger } from './logger.js';
import {
  BotStatusReader,
  countingIntake,
  countPushRefusals,
  listenOps,
  OpsMetrics,
  type BotOps,
} from './ops/index.js';
import { QueueKeys, startCmsQueue, startCmsWorkers } from './queue/index.js';
import { createRedisConnection } from './queue/redis.js';
import { StaffActions } from './staff-actions/staff-actions.js';
import { redisHealth } from './redis-health.js';

export type BotConfig = Config & { discord: DiscordConfig };

export interface RunningBot {
  client: Client;
  context: BotContext;
  /** Where Sonoran's push events are received (`…/sonorancms/events`), or null when PUSH_PORT is unset. */
  pushUrl: string | null;
  /** Where /healthz, /readyz and /metrics are served, or null when OPS_PORT is unset. */
  opsUrl: string | null;
  /** The audit reconciler (reads the CMS for changes), or null when RECONCILE_EVERY is 0. */
  reconciler: Reconciler | null;
  /** Stops taking interactions, lets those under way finish (up to `graceMs`), then closes everything. */
  close(graceMs?: number): Promise<void>;
}

export interface StartBotOptions {
  /** Reconcile on RECONCILE_EVERY's timer (default); tests turn it off and call `runPass()`. */
  reconcileOnTimer?: boolean;
}

/** How long a shutdown waits for interactions under way before telling their members to retry. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * The bot: CMS workers for its own operations, the CMS queue and service, the audit log, and
 * the discord.js client with its event handlers. Used by `npm start`, the demo, the tests and
 * the benchmark alike. Everything it started is stopped by `close`, and by a failed start.
 */
export async function startBot(
  config: BotConfig,
  logger: Logger,
  options: StartBotOptions = {},
): Promise<RunningBot> {
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse())
      await stop().catch((error: unknown) =>
        logger.warn({ err: error }, 'a part of the bot did not stop cleanly'),
      );
  };
  try {
    const startedAt = Date.now();
    // One registry per bot: tests run several bots in one process.
    const metrics = new OpsMetrics();
    const health = redisHealth(logger, config.redisUrl);
    const redis = createRedisConnection(config.redisUrl, 'producer');
    const blocking = createRedisConnection(config.redisUrl, 'worker');
    health.watch(redis, 'bot');
    health.watch(blocking, 'audit');
    stops.push(async () => {
      redis.disconnect();
      blocking.disconnect();
    });

    const workers = await startCmsWorkers(config, logger, { hooks: metrics.queueHooks });
    stops.push(() => workers.close());
    const { queue, close: closeQueue } = await startCmsQueue(config, logger, {
      hooks: metrics.queueHooks,
    });
    stops.push(closeQueue);

    // Made before the audit log and staff actions, so it is destroyed after they stop: a post
    // under way when the bot stops is finished, not failed for want of a token.
    const client = createDiscordClient(config.discord);
    stops.push(() => client.destroy());
    const namespace = new QueueKeys(config.cms.communityId, config.cms.apiKey).namespace;
    // What the audit pipeline knows of each account; told of the bot's own kicks and bans.
    const snapshots = new AccountSnapshots(redis, namespace);
    const cms = createCmsService({
      queue,
      redis,
      namespace,
      logger,
      provision: config.sandbox ? sandboxProvisioner(config) : undefined,
      moderationEchoes: snapshots,
    });
    const audit = new AuditLog({
      connection: blocking,
      namespace,
      channels: { audit: config.discord.auditChannelId, ...config.discord.channels },
      logger,
    });
    stops.push(() => audit.close());
    const intake = new AuditIntake({
      connection: blocking,
      namespace,
      snapshots,
      audit,
      logger,
      rankNames: async () => rankNamesOf((await cms.community.departments.peek())?.value ?? []),
      syncToDiscord: (change, discordId) =>
        discordSync(client, config.discord, logger)(change, discordId),
    });
    stops.push(() => intake.close());
    const staffActions = new StaffActions({
      redis,
      connection: blocking,
      namespace,
      logger,
      audit,
      cms,
      // Failed halves of a ban or kick back off like CMS calls do.
      retryBaseMs: config.pacing.retryBaseMs,
    });
    stops.push(() => staffActions.close());
    // Autocomplete answers from these caches: fill them now, inside the budget, in the background.
    void cms.community.clockInTypes.peek().catch(() => {});
    void cms.community.servers.peek().catch(() => {});
    void cms.community.departments.peek().catch(() => {});
    const interactions = new InFlightInteractions();
    metrics.watchDiscord(client);
    const ops: BotOps = {
      metrics,
      status: new BotStatusReader({
        redis,
        client,
        queue,
        recent: metrics.recentCms,
        operations: BOT_OPERATIONS,
        namespace,
        audit,
        intake,
        reconcileEveryMs: config.discord.reconcile.everyMs,
        windowMs: config.pacing.windowMs + config.pacing.marginMs,
        startedAt,
      }),
    };
    const context: BotContext = {
      config,
      logger,
      cms,
      audit,
      redis,
      namespace,
      interactions,
      claims: new InteractionClaims(redis, `${namespace}:interaction`, logger),
      unanswered: new UnansweredInteractions(logger),
      staffActions,
      ops,
    };

    for (const event of discordEvents) {
      const listener = (...args: unknown[]) =>
        Promise.resolve(
          (event.execute as (context: BotContext, ...rest: unknown[]) => unknown)(context, ...args),
        ).catch((error: unknown) =>
          logger.error({ err: error, event: event.name }, 'an event handler failed'),
        );
      if (event.once) client.once(event.name, listener);
      else client.on(event.name, listener);
    }
    client.on('error', (error) => logger.error({ err: error }, 'Discord client error'));
    // Before the login: /readyz says what start-up is waiting for.
    const opsUrl = await startOps(config, ops, logger, stops);

    if (config.sandbox) {
      // The sandbox registers its commands itself, so a guild admin can try them right away.
      const deployed = await deployCommands({
        token: config.discord.token,
        clientId: config.discord.clientId,
        guildId: config.discord.guildId,
        api: config.discord.apiUrl,
      });
      logger.info(describeDeployed(deployed));
    }
    const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
    await client.login(config.discord.token);
    await ready;
    await audit.start(client);
    await staffActions.start(client);
    await intake.start();
    const pushUrl = await startPushReceiver(config, intake, metrics, logger, stops);
    const reconciler = startReconciler(
      config,
      { redis, namespace, cms, intake, audit, snapshots },
      logger,
      stops,
      options.reconcileOnTimer ?? true,
    );
    reconciler?.on('pass', (result) => metrics.reconcilePass(result));

    return {
      client,
      context,
      pushUrl,
      opsUrl,
      reconciler,
      close: async (graceMs = SHUTDOWN_GRACE_MS) => {
        await interactions.drain(graceMs);
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** /healthz, /readyz and /metrics on OPS_PORT, when set; answers their base URL. */
async function startOps(
  config: BotConfig,
  ops: BotOps,
  logger: Logger,
  stops: (() => Promise<unknown>)[],
): Promise<string | null> {
  const where = config.discord.ops;
  if (where.port === null) return null;
  const server = await listenOps(ops, { port: where.port, host: where.host }, logger);
  stops.push(() => server.close());
  return server.url;
}

/** The push receiver on PUSH_PORT, when set; answers its URL. */
async function startPushReceiver(
  config: BotConfig,
  intake: AuditIntake,
  metrics: OpsMetrics,
  logger: Logger,
  stops: (() => Promise<unknown>)[],
): Promise<string | null> {
  const { push } = config.discord;
  if (push.port === null) return null;
  const receiver = await createPushReceiver({
    apiKey: config.cms.apiKey,
    intake: countingIntake(intake, metrics),
    logger: logger.child({ component: 'push-receiver' }),
    allowedSenders: push.allowedSenders,
    perAddressPerMinute: push.perAddressPerMinute,
  });
  stops.push(() => receiver.close());
  countPushRefusals(receiver, metrics);
  await receiver.listen({ port: push.port, host: push.host });
  const address = receiver.server.address();
  const port = typeof address === 'object' && address ? address.port : push.port;
  const host = push.host === '0.0.0.0' ? '127.0.0.1' : push.host;
  const url = `http://${host}:${port}${PUSH_PATH}`;
  logger.info({ url }, 'receiving Sonoran CMS push events');
  return url;
}

/** The audit reconciler, unless RECONCILE_EVERY is 0; it stops before the intake it feeds. */
function startReconciler(
  config: BotConfig,
  parts: Pick<ReconcilerOptions, 'redis' | 'namespace' | 'intake' | 'audit' | 'snapshots'> & {
    cms: CmsService;
  },
  logger: Logger,
  stops: (() => Promise<unknown>)[],
  onTimer: boolean,
): Reconciler | null {
  const { everyMs, share } = config.discord.reconcile;
  if (everyMs <= 0) return null;
  const { cms, ...shared } = parts;
  const reconciler = new Reconciler({
    ...shared,
    reads: cms.accounts,
    clockInTypes: async () => (await cms.community.clockInTypes.peek())?.value ?? [],
    everyMs,
    pacing: { windowMs: config.pacing.windowMs, marginMs: config.pacing.marginMs, share },
    logger: logger.child({ component: 'reconciler' }),
  });
  stops.push(() => reconciler.close());
  if (onTimer) reconciler.start();
  return reconciler;
}

/** SANDBOX: a Discord user with no CMS account gets one in the emulator (its admin API). */
function sandboxProvisioner(config: BotConfig) {
  return async (user: { id: string; username: string }): Promise<LinkedAccount> => {
    const response = await fetch(`${config.cms.baseUrl}/__emulator/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.username, discordId: user.id }),
    });
    if (!response.ok)
      throw new Error(`the CMS emulator could not make an account (${response.status})`);
    const account = (await response.json()) as { accId: string; comName?: string; accName: string };
    return {
      accId: account.accId,
      name: account.comName ?? account.accName,
      active: true,
      banned: false,
    };
  };
}
