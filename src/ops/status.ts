import type { OperationName } from '../cms/catalog/index.js';
import { ReconcileState, type CompletedPass } from '../audit/reconcile-state.js';
import type { CmsQueue, QueueStats } from '../queue/index.js';
import { checkReadiness, type Readiness, type ReadinessSources } from './readiness.js';
import { botVersion } from './version.js';
import { within } from '../within.js';

/** Reading the queue, the audit queues or the last pass may take this long before it is left out. */
const READ_TIMEOUT_MS = 2_000;

export interface StatusSources extends ReadinessSources {
  queue: Pick<CmsQueue, 'pausedForMs' | 'isServed' | 'stats'>;
  namespace: string;
  audit: { waiting(): Promise<number> };
  intake: { waiting(): Promise<number> };
  /** RECONCILE_EVERY (0: off). */
  reconcileEveryMs: number;
  /** The pacing window plus its margin: how long a full budget takes to come back. */
  windowMs: number;
  /** When this bot started (ms since the epoch). */
  startedAt: number;
}

/** The bot as staff and Prometheus see it; a part that could not be read (Redis down) is null. */
export interface BotStatus {
  at: number;
  version: string;
  startedAt: number;
  readiness: Readiness;
  /** The gateway's heartbeat round trip; null before the first heartbeat. */
  gatewayPingMs: number | null;
  queue: QueueStats | null;
  /** Audit notices waiting for their channel, and push/reconciler observations waiting to be diffed. */
  audit: { notices: number; observations: number } | null;
  /** The last pass of any process that completed; null before the first, undefined if unread. */
  lastPass: CompletedPass | null | undefined;
  reconcileEveryMs: number;
  windowMs: number;
}

/** One operation with calls waiting or under way, and about how long until its queue is empty. */
export interface BusyOperation {
  operation: OperationName;
  waiting: number;
  interactive: number;
  active: number;
  usedInWindow: number;
  limit: number;
  etaMs: number;
}

/** Reads the bot's state for /readyz, /metrics and /botstatus; never calls the CMS. */
export class BotStatusReader {
  private readonly reconcileState: ReconcileState;

  constructor(private readonly sources: StatusSources) {
    this.reconcileState = new ReconcileState(sources.redis, sources.namespace);
  }

  readiness(): Promise<Readiness> {
    return checkReadiness(this.sources);
  }

  async snapshot(): Promise<BotStatus> {
    const { queue, audit, intake, operations } = this.sources;
    const read = <T>(work: Promise<T>) =>
      within(work, READ_TIMEOUT_MS, 'timeout').then(
        (value) => value,
        () => undefined,
      );
    const [readiness, stats, notices, observations, lastPass] = await Promise.all([
      this.readiness(),
      read(queue.stats(operations)),
      read(audit.waiting()),
      read(intake.waiting()),
      read(this.reconcileState.lastCompleted()),
    ]);
    return {
      at: Date.now(),
      version: botVersion(),
      startedAt: this.sources.startedAt,
      readiness,
      gatewayPingMs: this.sources.client.ws.ping >= 0 ? this.sources.client.ws.ping : null,
      queue: stats ?? null,
      audit: notices === undefined || observations === undefined ? null : { notices, observations },
      lastPass,
      reconcileEveryMs: this.sources.reconcileEveryMs,
      windowMs: this.sources.windowMs,
    };
  }
}

/**
 * The operations with calls waiting or being sent, busiest first. The ETA is how long the queue
 * takes to empty at the full budget: until its next send may go (the credential's pause or the
 * queue's own sleep, whichever is longer), then one window for each budget's worth of calls
 * beyond what the current window still allows.
 */
export function busyOperations(stats: QueueStats, windowMs: number): BusyOperation[] {
  const byOperation = new Map<OperationName, BusyOperation & { sleepingMs: number }>();
  for (const row of stats.operations) {
    const entry = byOperation.get(row.operation) ?? {
      operation: row.operation,
      waiting: 0,
      interactive: 0,
      active: row.active,
      usedInWindow: row.usedInWindow,
      limit: row.limit,
      sleepingMs: row.sleepingMs,
      etaMs: 0,
    };
    entry.waiting += row.waiting;
    if (row.priority === 'interactive') entry.interactive += row.waiting;
    byOperation.set(row.operation, entry);
  }
  const busy: BusyOperation[] = [];
  for (const { sleepingMs, ...entry } of byOperation.values()) {
    if (entry.waiting + entry.active === 0) continue;
    const free = Math.max(0, entry.limit - entry.usedInWindow);
    const beyond = Math.max(0, entry.waiting + entry.active - free);
    const windows = Math.ceil(beyond / entry.limit);
    busy.push({ ...entry, etaMs: Math.max(stats.pausedMs, sleepingMs) + windows * windowMs });
  }
  return busy.sort((a, b) => b.waiting + b.active - (a.waiting + a.active));
}
