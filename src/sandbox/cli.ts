import { parseArgs } from 'node:util';
import { EXAMPLE } from '../cms/catalog/examples.js';
import { limitPerMinute } from '../cms/catalog/index.js';
import { SANDBOX_API_KEY, SANDBOX_COMMUNITY_ID } from '../cms/emulator/seed.js';
import { startCmsEmulator, type CmsEmulator } from '../cms/emulator/server.js';
import { ConfigError, loadConfig } from '../config.js';
import { startLocalRedis } from '../dev/redis-server.js';
import { createLogger, displayUrl } from '../logger.js';
import { startCmsQueue, startCmsWorkers, type CmsQueue } from '../queue/index.js';
import { Interrupted, lifecycle, type Lifecycle } from '../shutdown.js';

/**
 * The sandbox: the bot's CMS side against an embedded CMS emulator and a throwaway Redis,
 * with nothing to configure. It shows a member looked up by Discord id, clocked in and read
 * back, and a burst of calls paced under an endpoint's limit; then it keeps serving (the
 * emulator stays reachable for your own calls) until Ctrl-C. `--once` stops after the tour.
 * Whatever way it ends (done, a failure, a signal), it stops everything it started.
 */

const USAGE = `npm run sandbox -- [--once] [--port 4545] [--window-ms 60000]

  --once           run the tour and exit
  --port <n>       the CMS emulator's port (default 4545; 0 picks a free one)
  --window-ms <n>  the CMS rate window (default 60000; shorter makes pacing visible sooner)`;

class UsageError extends Error {}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

function wholeNumber(text: string, flag: string, rule: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw new UsageError(`${flag} must be ${rule}`);
  return value;
}

function parseFlags(args: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        once: { type: 'boolean' },
        port: { type: 'string', default: '4545' },
        'window-ms': { type: 'string', default: '60000' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    // Node's message names the flag ("Unknown option '--prot'").
    throw new UsageError((error as Error).message);
  }
  return {
    once: values.once ?? false,
    help: values.help ?? false,
    port: wholeNumber(values.port, '--port', 'a whole number from 0 to 65535', 0, 65_535),
    windowMs: wholeNumber(
      values['window-ms'],
      '--window-ms',
      'a whole number of ms (1 or more)',
      1,
      Number.MAX_SAFE_INTEGER,
    ),
  };
}

/** The emulator on the asked port, with a failure that says what to do when the port is taken. */
async function startEmulator(port: number, windowMs: number): Promise<CmsEmulator> {
  try {
    return await startCmsEmulator({ port, windowMs });
  } catch (error) {
    if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
    throw new Error(
      `Port ${port} is taken (another sandbox or emulator?); pick another with --port, or --port 0 for a free one.`,
    );
  }
}

/** A member clocks in, the whitelist is checked, and a burst is paced; every wait gives way to a signal. */
async function tour(queue: CmsQueue, life: Lifecycle) {
  // A member runs /clockin: the bot finds their CMS account by Discord id, then clocks them in.
  const discordId = '734918273645019283';
  const lookup = await life.wait(queue.submit('searchAccounts', { query: { discord: discordId } }));
  const found = await life.wait(lookup.result);
  const account = found.data.items[0]!;
  console.log(
    `Discord user ${discordId} is ${account.accName} in the CMS (queued, eta ${seconds(lookup.etaMs)})`,
  );
  const params = { accountId: account.accId };
  const clock = await life.wait(
    queue.call('clockAccount', {
      params,
      body: { accId: account.accId, intention: 'in', type: 'patrol' },
    }),
  );
  const current = await life.wait(
    queue.call('getCurrentClockIn', { params, query: { accId: account.accId } }),
  );
  console.log(
    `Clocked ${account.accName} in (${clock === true ? 'already in' : clock.type}); Get Current Clock In now says: ${typeof current === 'string' ? current : `on duty since ${current.startTime}`}`,
  );
  const whitelisted = await life.wait(
    queue.call('verifyWhitelist', {
      params: { serverId: EXAMPLE.serverId },
      body: { accId: account.accId },
    }),
  );
  console.log(`${whitelisted} may join game server ${EXAMPLE.serverId}.`);

  // Bulk work: more roster reads than the endpoint allows in a window. Nothing is refused or
  // sent early; each caller is told when its call will go.
  const limit = limitPerMinute('getRosterContents');
  const burst = await life.wait(
    Promise.all(
      Array.from({ length: limit * 2 }, () =>
        queue.submit('getRosterContents', { params: { rosterId: 1 } }, { priority: 'background' }),
      ),
    ),
  );
  console.log(
    `Queued ${burst.length} roster reads (limit ${limit} per window, background work spread evenly): ETAs ${seconds(burst[0]!.etaMs)} to ${seconds(burst.at(-1)!.etaMs)}.`,
  );
  return burst;
}

function totals(emulator: CmsEmulator): { sent: number; refused: number } {
  const rows = emulator.limiter.stats();
  return {
    sent: rows.reduce((sum, row) => sum + row.requests, 0),
    refused: rows.reduce((sum, row) => sum + row.rateLimited, 0),
  };
}

async function main(): Promise<number> {
  // Signal handlers before anything starts; each part is registered while it starts.
  const life = lifecycle({
    onStepError: (error) =>
      console.error(`sandbox: a part did not stop cleanly: ${(error as Error).message}`),
  });
  try {
    const flags = parseFlags(process.argv.slice(2));
    if (flags.help) {
      console.log(USAGE);
      return 0;
    }
    const redis = await life.start(
      startLocalRedis({ persist: false }),
      (r) => r.stop(),
      (r) => r.kill(),
    );
    const emulator = await life.start(startEmulator(flags.port, flags.windowMs), (e) => e.close());
    const config = loadConfig({
      ...process.env,
      SANDBOX: 'true',
      REDIS_URL: redis.url,
      CMS_API_URL: emulator.url,
      CMS_API_KEY: SANDBOX_API_KEY,
      CMS_COMMUNITY_ID: SANDBOX_COMMUNITY_ID,
      CMS_RATE_WINDOW_MS: String(flags.windowMs),
    });
    const logger = createLogger({
      level: process.env.LOG_LEVEL ?? 'warn',
      name: 'sandbox',
      secrets: config.secrets,
    });
    // The tour and your own calls may use any operation: serve the whole catalog.
    await life.start(startCmsWorkers(config, logger, { operations: 'all' }), (workers) =>
      workers.close(),
    );
    const { queue } = await life.start(startCmsQueue(config, logger), (started) => started.close());

    console.log(`Sandbox ready.
  CMS emulator  ${emulator.url}  (key ${emulator.apiKey}, community ${emulator.communityId}, ${seconds(flags.windowMs)} window)
  Redis         ${displayUrl(redis.url)}${redis.owned ? ' (own redis-server, discarded on exit)' : ''}
`);
    const burst = await tour(queue, life);

    if (flags.once) {
      await life.wait(burst[0]!.result);
      await life.wait(Promise.all(burst.slice(1).map((ticket) => ticket.cancel())));
      const { sent, refused } = totals(emulator);
      console.log(`Tour done: ${sent} CMS requests sent, ${refused} refused for rate limits.`);
      return 0;
    }
    console.log(`
Serving until Ctrl-C. Try:
  curl -H "authorization: Bearer ${emulator.apiKey}" ${emulator.url}/v2/community
  curl -X POST -H 'content-type: application/json' -d '{"id":"${emulator.communityId}","key":"${emulator.apiKey}","type":"GET_SUB_VERSION","data":[]}' ${emulator.url}/general/get_sub_version
After a 429 the key is blocked for an hour, as in production; lift it with: curl -X POST ${emulator.url}/__emulator/stats/reset`);
    const report = setInterval(() => {
      const { sent, refused } = totals(emulator);
      console.log(`[sandbox] ${sent} CMS requests so far, ${refused} refused`);
    }, 30_000);
    life.add(async () => clearInterval(report));
    return await life.wait(new Promise<never>(() => {}));
  } catch (error) {
    // Ctrl-C is how the sandbox is meant to stop.
    if (error instanceof Interrupted) return 0;
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
    return 1;
  } finally {
    await life.close();
  }
}

process.exitCode = await main();
// Nothing is left running; a stray timer must not keep the process alive.
process.exit();
