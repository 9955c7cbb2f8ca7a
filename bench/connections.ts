import { Redis } from 'ioredis';
import { SANDBOX_API_KEY, SANDBOX_COMMUNITY_ID } from '../src/cms/emulator/seed.js';
import { loadConfig } from '../src/config.js';
import { startLocalRedis } from '../src/dev/redis-server.js';
import { createLogger } from '../src/logger.js';
import { startCmsQueue, startCmsWorkers } from '../src/queue/index.js';

/**
 * How many Redis connections one process opens: its CMS workers (the bot's operations, then
 * the whole catalog) plus its submitting queue, as Redis counts its clients. Managed Redis plans
 * cap clients at 30 to 256. The last line printed is one JSON object.
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
  // Blocking connections open as each worker starts polling: count once the number holds still.
  let opened = (await clients()) - before;
  for (let previous = -1; opened !== previous;) {
    previous = opened;
    await new Promise((resolve) => setTimeout(resolve, 500));
    opened = (await clients()) - before;
  }
  console.log(
    `${operations === 'all' ? 'whole catalog' : "bot's operations"}: ${workers.workers.operations.length} workers + queue = ${opened} Redis connections`,
  );
  await workers.close();
  await queue.close();
  counter.disconnect();
  await redis.stop();
  return opened;
}

const bot = await measure('bot');
const all = await measure('all');
console.log(JSON.stringify({ botProcessConnections: bot, allOperationsProcessConnections: all }));
