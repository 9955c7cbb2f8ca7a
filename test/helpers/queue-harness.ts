import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config.js';
import {
  startCmsEmulator,
  type CmsEmulator,
  type CmsEmulatorOptions,
} from '../../src/cms/emulator/server.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { Redis } from 'ioredis';
import { QueueKeys, startCmsQueue, startCmsWorkers } from '../../src/queue/index.js';
import { startTestRedis, type TestRedis } from './redis.js';

/** Everything a queue test needs: its own Redis, an emulator, config, and a log it can read. */
export interface QueueHarness {
  redis: TestRedis;
  emulator: CmsEmulator;
  config: Config;
  env: Record<string, string>;
  logger: Logger;
  logLines(): Record<string, unknown>[];
  startQueue(): ReturnType<typeof startCmsQueue>;
  startWorkers(overrides?: Record<string, string>): ReturnType<typeof startCmsWorkers>;
  /**
   * A fresh start for pacing without waiting a window out: the emulator forgets its windows,
   * faults and blocks, and the queue's send logs, pause and sleeping queues are cleared.
   */
  resetPacing(): Promise<void>;
  /** A plain connection to the test's Redis (closed by stop). */
  redisClient(): Redis;
  keys: QueueKeys;
  /** Workers in a separate Node process, sharing the Redis. */
  spawnWorkerProcess(overrides?: Record<string, string>): Promise<ChildProcess>;
  stop(): Promise<void>;
}

export async function startQueueHarness(
  options: { emulator?: CmsEmulatorOptions; env?: Record<string, string> } = {},
): Promise<QueueHarness> {
  const redis = await startTestRedis();
  const emulator = await startCmsEmulator({
    apiKey: `test-key-${Math.random().toString(36).slice(2)}`,
    ...options.emulator,
  });
  const windowMs = options.emulator?.windowMs ?? 60_000;
  const env: Record<string, string> = {
    SANDBOX: 'true',
    LOG_LEVEL: 'info',
    REDIS_URL: redis.url,
    CMS_API_URL: emulator.url,
    CMS_API_KEY: emulator.apiKey,
    CMS_COMMUNITY_ID: emulator.communityId,
    CMS_RATE_WINDOW_MS: String(windowMs),
    CMS_TIMEOUT_MS: '2000',
    CMS_RETRY_BASE_MS: '50',
    ...options.env,
  };
  const config = loadConfig(env);
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    }),
  });
  const closers: (() => Promise<void>)[] = [];
  const children: ChildProcess[] = [];
  const keys = new QueueKeys(config.cms.communityId, config.cms.apiKey);
  let client: Redis | undefined;
  const redisClient = () => {
    client ??= new Redis(redis.url);
    return client;
  };
  return {
    redis,
    emulator,
    config,
    env,
    logger,
    keys,
    redisClient,
    resetPacing: async () => {
      emulator.reset();
      const connection = redisClient();
      const patterns = [
        `${keys.namespace}:sends:*`,
        `${keys.namespace}:wakeable:*`,
        `${keys.namespace}:*:limiter`,
      ];
      for (const pattern of patterns) {
        const found = await connection.keys(pattern);
        if (found.length > 0) await connection.del(...found);
      }
      await connection.del(keys.pause);
    },
    logLines: () =>
      lines
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    startQueue: async () => {
      const started = await startCmsQueue(config, logger);
      closers.push(started.close);
      return started;
    },
    startWorkers: async (overrides = {}) => {
      // Tests call operations the bot does not: serve the whole catalog.
      const started = await startCmsWorkers(loadConfig({ ...env, ...overrides }), logger, {
        operations: 'all',
      });
      closers.push(started.close);
      return started;
    },
    spawnWorkerProcess: async (overrides = {}) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
        env: { ...process.env, ...env, CMS_WORKER_OPERATIONS: 'all', ...overrides },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        let output = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('CMS workers ready')) resolve();
        });
        child.once('exit', (code) =>
          reject(new Error(`worker process exited with ${code}: ${output}`)),
        );
      });
      return child;
    },
    stop: async () => {
      client?.disconnect();
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const close of closers.reverse()) await close();
      await emulator.close();
      await redis.stop();
    },
  };
}

export function statsFor(emulator: CmsEmulator, operation: string) {
  return emulator.limiter.stats().find((row) => row.operation === operation);
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
