import { Redis } from 'ioredis';
import { SANDBOX_API_KEY, SANDBOX_COMMUNITY_ID } from '../src/cms/emulator/seed.js';
import { loadConfig } from '../src/config.js';
import { startLocalRedis } from '../src/dev/redis-server.js';
import { createLogger } from '../src/logger.js';
import { startCmsQueue, startCmsWorkers } from '../src/queue/index.js';
import { startBotHarness } from '../test/helpers/bot-harness.js';

/**
 * How many Redis connections one process opens, as Redis counts its clients: CMS workers (the
 * bot's operations, then the whole catalog, as `npm run worker -- all` runs) plus a submitting
 * queue, and then the whole bot (`startBot`: those workers and queue, its own connections, the
 * audit intake, the staff-action retries and one audit channel, between the two emulators).
 * Managed Redis plans cap clients at 30 to 256. The last line printed is one JSON object.
 */
const logger = createLogger({ level: 'warn', name: 'bench-connections' });

/** Each measure on a Redis of its own, so nothing of the other is still closing. */
async function measure(operations: 'bot' | 'all'): Promise<number> {
  const redis = await startLocalRedis({ persist: false });
  const counter = new Redis(redis.url);
  const clients = async () =>
    String(await counter.client('LIST'))
      .trim()
      .split('\n').length - 1;
  const config = loadConfig({
    SANDBOX: 'true',
    REDIS_URL: redis.url,
    CMS_API_URL: 'http://127.0.0.1:9',
    CMS_API_KEY: SANDBOX_API_KEY,
    CMS_COMMUNITY_ID: SANDBOX_COMMUNITY_ID,
  });
  const before = await clients();
  const workers = await startCmsWorkers(
    config,
    logger,
    operations === 'all' ? { operations: 'all' } : {},
  );
  const queue = await startCmsQueue(config, logger);
  const opened = (await steadyCount(clients)) - before;
  console.log(
    `${operations === 'all' ? 'whole catalog' : "bot's operations"}: ${workers.workers.operations.length} workers + queue = ${opened} Redis connections`,
  );
  await workers.close();
  await queue.close();
  counter.disconnect();
  await redis.stop();
  return opened;
}

/** The client count once it holds still: blocking connections open as each worker starts polling. */
async function steadyCount(clients: () => Promise<number>): Promise<number> {
  let count = await clients();
  for (let previous = -1; count !== previous;) {
    previous = count;
    await new Promise((resolve) => setTimeout(resolve, 500));
    count = await clients();
  }
  return count;
}

async function measureBot(): Promise<number> {
  const harness = await startBotHarness();
  const counter = new Redis(harness.redis.url);
  // Less the counter's own connection.
  const opened =
    (await steadyCount(
      async () =>
        String(await counter.client('LIST'))
          .trim()
          .split('\n').length,
    )) - 1;
  console.log(`the whole bot (one audit channel): ${opened} Redis connections`);
  counter.disconnect();
  await harness.stop();
  return opened;
}

const botWorkers = await measure('bot');
const allWorkers = await measure('all');
const wholeBot = await measureBot();
console.log(
  JSON.stringify({
    botWorkersConnections: botWorkers,
    allOperationsWorkersConnections: allWorkers,
    wholeBotConnections: wholeBot,
  }),
);
