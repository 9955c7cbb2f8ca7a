import { parseArgs } from 'node:util';
import { EXAMPLE } from '../cms/catalog/examples.js';
import { limitPerMinute } from '../cms/catalog/index.js';
import { SANDBOX_API_KEY, SANDBOX_COMMUNITY_ID } from '../cms/emulator/seed.js';
import { startCmsEmulator } from '../cms/emulator/server.js';
import { ConfigError, loadConfig } from '../config.js';
import { startLocalRedis } from '../dev/redis-server.js';
import { createLogger } from '../logger.js';
import { startCmsQueue, startCmsWorkers } from '../queue/index.js';

/**
 * The sandbox: the bot's CMS side against an embedded CMS emulator and a throwaway Redis,
 * with nothing to configure. It shows a member looked up by Discord id, clocked in and read
 * back, and a burst of calls paced under an endpoint's limit; then it keeps serving (the
 * emulator stays reachable for your own calls) until Ctrl-C. `--once` stops after the tour.
 */

const USAGE = `npm run sandbox -- [--once] [--port 4545] [--window-ms 60000]

  --once           run the tour and exit
  --port <n>       the CMS emulator's port (default 4545; 0 picks a free one)
  --window-ms <n>  the CMS rate window (default 60000; shorter makes pacing visible sooner)`;

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { once: { type: 'boolean' }, port: { type: 'string', default: '4545' }, 'window-ms': { type: 'string', default: '60000' }, help: { type: 'boolean' } },
  });
  if (values.help) return console.log(USAGE);
  const windowMs = Number(values['window-ms']);

  const redis = await startLocalRedis({ persist: false });
  const emulator = await startCmsEmulator({ port: Number(values.port), windowMs });
  const config = loadConfig({
    ...process.env,
    SANDBOX: 'true',
    REDIS_URL: redis.url,
    CMS_API_URL: emulator.url,
    CMS_API_KEY: SANDBOX_API_KEY,
    CMS_COMMUNITY_ID: SANDBOX_COMMUNITY_ID,
    CMS_RATE_WINDOW_MS: String(windowMs),
  });
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'sandbox', secrets: config.secrets });
  const workers = await startCmsWorkers(config, logger);
  const { queue, close: closeQueue } = await startCmsQueue(config, logger);

  const stop = async () => {
    await workers.close();
    await closeQueue();
    await emulator.close();
    await redis.stop();
  };

  console.log(`Sandbox ready.
  CMS emulator  ${emulator.url}  (key ${emulator.apiKey}, community ${emulator.communityId}, ${seconds(windowMs)} window)
  Redis         ${redis.url}${redis.owned ? ' (own redis-server, discarded on exit)' : ''}
`);

  // A member runs /clockin: the bot finds their CMS account by Discord id, then clocks them in.
  const discordId = '734918273645019283';
  const lookup = await queue.submit('searchAccounts', { query: { discord: discordId } });
  const found = await lookup.result;
  const account = found.data.items[0]!;
  console.log(`Discord user ${discordId} is ${account.accName} in the CMS (queued, eta ${seconds(lookup.etaMs)})`);
  const clock = await queue.call('clockAccount', { params: { accountId: account.accId }, body: { intention: 'in', type: 'patrol' } });
  const current = await queue.call('getCurrentClockIn', { params: { accountId: account.accId } });
  console.log(`Clocked ${account.accName} in (${clock === true ? 'already in' : clock.type}); Get Current Clock In now says: ${typeof current === 'string' ? current : `on duty since ${current.startTime}`}`);
  const whitelisted = await queue.call('verifyWhitelist', { params: { serverId: EXAMPLE.serverId }, body: { accId: account.accId } });
  console.log(`${whitelisted} may join game server ${EXAMPLE.serverId}.`);

  // Bulk work: more roster reads than the endpoint allows in a window. Nothing is refused or
  // sent early; each caller is told when its call will go.
  const limit = limitPerMinute('getRosterContents');
  const burst = await Promise.all(Array.from({ length: limit * 2 }, () => queue.submit('getRosterContents', { params: { rosterId: 1 } }, { priority: 'background' })));
  console.log(`Queued ${burst.length} roster reads (limit ${limit} per window, background work spread evenly): ETAs ${seconds(burst[0]!.etaMs)} to ${seconds(burst.at(-1)!.etaMs)}.`);

  if (values.once) {
    await burst[0]!.result;
    await Promise.all(burst.slice(1).map((ticket) => ticket.cancel()));
    const sent = emulator.limiter.stats().reduce((sum, row) => sum + row.requests, 0);
    const refused = emulator.limiter.stats().reduce((sum, row) => sum + row.rateLimited, 0);
    console.log(`Tour done: ${sent} CMS requests sent, ${refused} refused for rate limits.`);
    await stop();
    return;
  }
  console.log('\nServing until Ctrl-C. Try: curl -H "authorization: Bearer sandbox-api-key" ' + `${emulator.url}/v2/community`);
  const report = setInterval(() => {
    const rows = emulator.limiter.stats();
    console.log(`[sandbox] ${rows.reduce((s, r) => s + r.requests, 0)} CMS requests so far, ${rows.reduce((s, r) => s + r.rateLimited, 0)} refused`);
  }, 30_000);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      clearInterval(report);
      void stop().then(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : error);
  process.exit(1);
});
