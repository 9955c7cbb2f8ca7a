import { Status, type Client } from 'discord.js';
import type { Redis } from 'ioredis';
import type { OperationName } from '../cms/catalog/index.js';
import type { CmsQueue } from '../queue/index.js';
import { FAILING_AFTER, RECENT_MS, type RecentCmsRequests } from './recent-cms-requests.js';
import { within } from '../within.js';

/** A probe that takes longer than this counts as failed: /readyz always answers promptly. */
const PROBE_TIMEOUT_MS = 2_000;

export type CheckName = 'redis' | 'discord' | 'cms';

export interface CheckResult {
  ok: boolean;
  /** One line for a person: what was found. Never a key, a token or a URL. */
  detail: string;
  /** For a failed CMS check: why (`paused`, `no-worker`, `failing`, `unknown`). */
  reason?: string;
  /** While paused after a 429: until when (ISO 8601) and for how long still. */
  pausedUntil?: string;
  pausedForMs?: number;
}

export interface Readiness {
  ready: boolean;
  /** The checks that failed, in order. */
  failed: CheckName[];
  checks: Record<CheckName, CheckResult>;
}

export interface ReadinessSources {
  /** The bot's own Redis connection (fails fast while Redis is down). */
  redis: Redis;
  client: Client;
  queue: Pick<CmsQueue, 'pausedForMs' | 'isServed'>;
  recent: RecentCmsRequests;
  /** The operations the bot calls: each must have a worker somewhere. */
  operations: readonly OperationName[];
}

/**
 * Whether the bot can do its work now, without spending any CMS budget:
 * - `redis`: PING answers within 2 s;
 * - `discord`: the client is logged in and every gateway shard is connected (Status.Ready);
 * - `cms`: the queue's own view: no credential-wide pause after a 429 is in force, some worker
 *   process announces each operation the bot calls, and this process's latest CMS requests are
 *   not all failing (the last 3, if all within 5 minutes, were timeouts, lost connections, 5xx or
 *   a refused key). No requests lately counts as reachable: nothing says otherwise.
 */
export async function checkReadiness(sources: ReadinessSources): Promise<Readiness> {
  const redis = await checkRedis(sources.redis);
  const checks: Record<CheckName, CheckResult> = {
    redis,
    discord: checkDiscord(sources.client),
    cms: redis.ok
      ? await checkCms(sources).catch(() => ({
          ok: false,
          reason: 'unknown',
          detail: 'the CMS queue state could not be read from Redis',
        }))
      : { ok: false, reason: 'unknown', detail: 'cannot be checked while Redis does not answer' },
  };
  const failed = (Object.keys(checks) as CheckName[]).filter((name) => !checks[name].ok);
  return { ready: failed.length === 0, failed, checks };
}

async function checkRedis(redis: Redis): Promise<CheckResult> {
  const started = performance.now();
  try {
    await within(redis.ping(), PROBE_TIMEOUT_MS, 'timeout');
    return { ok: true, detail: `PING answered in ${Math.round(performance.now() - started)} ms` };
  } catch {
    return {
      ok: false,
      detail: `Redis did not answer PING within ${PROBE_TIMEOUT_MS / 1000} s (connection ${redis.status})`,
    };
  }
}

function checkDiscord(client: Client): CheckResult {
  const shards = [...client.ws.shards.values()];
  const down = shards.find((shard) => shard.status !== Status.Ready);
  if (!client.isReady()) return { ok: false, detail: 'not logged in to the Discord gateway yet' };
  if (down) return { ok: false, detail: `gateway shard ${down.id} is ${Status[down.status]}` };
  // discord.js reports -1 until the first heartbeat is acknowledged.
  const ping = client.ws.ping >= 0 ? ` (heartbeat ${Math.round(client.ws.ping)} ms)` : '';
  return { ok: true, detail: `gateway connected${ping}` };
}

async function checkCms(sources: ReadinessSources): Promise<CheckResult> {
  const [pausedForMs, served] = await within(
    Promise.all([
      sources.queue.pausedForMs(),
      Promise.all(sources.operations.map((operation) => sources.queue.isServed(operation))),
    ]),
    PROBE_TIMEOUT_MS,
    'timeout',
  );
  if (pausedForMs > 0) {
    const until = new Date(Date.now() + pausedForMs).toISOString();
    return {
      ok: false,
      reason: 'paused',
      pausedForMs,
      pausedUntil: until,
      detail: `the CMS answered 429: every CMS call is paused until ${until}`,
    };
  }
  const unserved = sources.operations.filter((_, i) => !served[i]);
  if (unserved.length > 0)
    return {
      ok: false,
      reason: 'no-worker',
      detail: `no CMS worker process serves ${unserved.join(', ')} (see CMS_WORKER_OPERATIONS)`,
    };
  const recent = sources.recent.verdict();
  if (recent.failing)
    return {
      ok: false,
      reason: 'failing',
      detail: `the last ${FAILING_AFTER} CMS requests failed (latest: ${recent.lastError})`,
    };
  return {
    ok: true,
    detail:
      recent.recent === 0
        ? `not paused; workers serve every operation; no CMS request in the last ${RECENT_MS / 60_000} min`
        : 'not paused; workers serve every operation; recent CMS requests answered',
  };
}
