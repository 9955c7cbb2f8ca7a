import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CmsClient } from '../cms/client.js';
import { operationNames, type OperationName } from '../cms/catalog/index.js';
import type { Config } from '../config.js';
import type { PacingSettings } from './budgets.js';
import { CmsQueue } from './cms-queue.js';
import { CmsWorkers } from './cms-workers.js';
import { QueueKeys } from './keys.js';
import type { QueueHooks } from './queue-metrics.js';
import { createRedisConnection } from './redis.js';
import { redisHealth } from '../redis-health.js';

export {
  CmsQueue,
  INTERACTIVE_DEADLINE_MS,
  type CallResult,
  type SubmitOptions,
  type Ticket,
} from './cms-queue.js';
export { CmsWorkers } from './cms-workers.js';
export { PRIORITIES, QueueKeys, type Priority } from './keys.js';
export type { QueueHooks, QueueStats, OperationQueueStats } from './queue-metrics.js';

type QueueConfig = Pick<Config, 'redisUrl' | 'pacing' | 'cms'>;

export function pacingSettings(config: QueueConfig): PacingSettings {
  return {
    windowMs: config.pacing.windowMs,
    marginMs: config.pacing.marginMs,
    interactiveReserve: config.pacing.interactiveReserve,
    v1Limits: config.cms.v1Limits,
    requestTimeoutMs: config.cms.timeoutMs,
  };
}

function connector(config: QueueConfig, logger: Logger) {
  const connections: Redis[] = [];
  return {
    connect(role: Parameters<typeof createRedisConnection>[1]): Redis {
      const connection = createRedisConnection(config.redisUrl, role);
      // All of a process's connections together log one line per outage, not one per retry.
      redisHealth(logger, config.redisUrl).watch(connection, role);
      connections.push(connection);
      return connection;
    },
    disconnectAll(): void {
      for (const connection of connections) connection.disconnect();
    },
  };
}

/** The submitting side: what command handlers and the CMS service use. */
export async function startCmsQueue(
  config: QueueConfig,
  logger: Logger,
  options: { hooks?: QueueHooks } = {},
): Promise<{ queue: CmsQueue; close(): Promise<void> }> {
  const redis = connector(config, logger);
  const queue = new CmsQueue({
    connection: redis.connect('producer'),
    subscriber: redis.connect('subscriber'),
    keys: new QueueKeys(config.cms.communityId, config.cms.apiKey),
    pacing: pacingSettings(config),
    logger,
    hooks: options.hooks,
  });
  await queue.start();
  return {
    queue,
    close: async () => {
      await queue.close();
      redis.disconnectAll();
    },
  };
}

/**
 * This process's share of the workers; any number of processes may run them against one Redis.
 * `operations`: as configured (CMS_WORKER_OPERATIONS: the bot's own by default), or `'all'`.
 */
export async function startCmsWorkers(
  config: QueueConfig,
  logger: Logger,
  options: { operations?: readonly OperationName[] | 'all'; hooks?: QueueHooks } = {},
): Promise<{ workers: CmsWorkers; close(): Promise<void> }> {
  const redis = connector(config, logger);
  const workers = new CmsWorkers({
    connection: redis.connect('worker'),
    keys: new QueueKeys(config.cms.communityId, config.cms.apiKey),
    pacing: pacingSettings(config),
    client: new CmsClient(config.cms),
    logger,
    maxAttempts: config.pacing.maxAttempts,
    retryBaseMs: config.pacing.retryBaseMs,
    operations:
      options.operations === 'all'
        ? operationNames
        : (options.operations ?? config.pacing.workerOperations),
    lockDurationMs: config.pacing.jobLockMs,
    stalledIntervalMs: config.pacing.jobLockMs,
    hooks: options.hooks,
  });
  try {
    await workers.start();
  } catch (error) {
    // A refused or failed start leaves nothing open behind it.
    await workers.close().catch(() => {});
    redis.disconnectAll();
    throw error;
  }
  return {
    workers,
    close: async () => {
      await workers.close();
      redis.disconnectAll();
    },
  };
}
