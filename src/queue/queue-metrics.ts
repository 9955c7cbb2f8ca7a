import type { Redis } from 'ioredis';
import type { OperationName } from '../cms/catalog/index.js';
import type { CmsError } from '../cms/errors.js';
import type { JobOutcome } from './jobs.js';
import { PRIORITIES, type Priority, type QueueKeys } from './keys.js';
import type { PacingGate } from './pacing-gate.js';
import { INTERACTIVE_SCORE_END } from './scripts/snapshot.js';

export interface OperationQueueStats {
  operation: OperationName;
  priority: Priority;
  /** Jobs of this priority waiting in Redis (all processes). */
  waiting: number;
  /** Jobs of the operation being sent now, either priority (all processes; at most one). */
  active: number;
  limit: number;
  reserve: number;
  /** Sends inside the current window of the budget the operation spends (its v1/v2 twin's too). */
  usedInWindow: number;
  /** How long the operation's queue sleeps before its head job may try again. */
  sleepingMs: number;
  /** This process's submissions and their outcomes. */
  submitted: number;
  completed: number;
  failed: number;
  /** Submit-to-outcome times of this process's recent calls. */
  latencyMsP50: number | null;
  latencyMsP95: number | null;
  /** Of that, the time spent waiting in the queue before the (last) send. */
  queuedMsP50: number | null;
  queuedMsP95: number | null;
}

/**
 * Optional hooks for metrics kept outside the queue (the ops endpoint, src/ops): called where
 * things happen, so the queue needs no metrics library. They must not throw.
 */
export interface QueueHooks {
  /** One HTTP request to the CMS (a worker's send) answered, or failed with `error`, after `ms`. */
  cmsRequest?(operation: OperationName, ms: number, error?: CmsError): void;
  /** One of this process's calls settled; `outcome.meta.queuedMs` is its wait before the last send. */
  callFinished?(operation: OperationName, priority: Priority, outcome: JobOutcome): void;
}

export interface QueueStats {
  /** Time left on a credential-wide pause after a 429. */
  pausedMs: number;
  operations: OperationQueueStats[];
}

interface LocalCounts {
  submitted: number;
  completed: number;
  failed: number;
  latencies: number[];
  queued: number[];
}

const LATENCY_SAMPLES = 200;

function keepRecent(samples: number[], value: number): void {
  samples.push(value);
  if (samples.length > LATENCY_SAMPLES) samples.shift();
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Counts this process's calls and reads the shared queue state from Redis in one round trip. */
export class QueueMetrics {
  private readonly local = new Map<string, LocalCounts>();

  submitted(operation: OperationName, priority: Priority): void {
    this.counts(operation, priority).submitted += 1;
  }

  finished(
    operation: OperationName,
    priority: Priority,
    outcome: JobOutcome,
    latencyMs: number,
  ): void {
    const counts = this.counts(operation, priority);
    if (outcome.ok) counts.completed += 1;
    else counts.failed += 1;
    keepRecent(counts.latencies, latencyMs);
    if (outcome.meta.queuedMs !== undefined) keepRecent(counts.queued, outcome.meta.queuedMs);
  }

  async collect(
    redis: Redis,
    keys: QueueKeys,
    gate: PacingGate,
    operations: readonly OperationName[],
  ): Promise<QueueStats> {
    const pipeline = redis.pipeline().time();
    for (const operation of operations) {
      const name = keys.queueName(operation);
      pipeline
        .zrange(keys.sendLog(gate.budget(operation).name), 0, -1, 'WITHSCORES')
        // Jobs in the plain wait list (a stalled job put back) count as interactive: they go first.
        .llen(keys.waitList(name))
        .zcount(keys.prioritized(name), '-inf', `(${INTERACTIVE_SCORE_END}`)
        .zcount(keys.prioritized(name), INTERACTIVE_SCORE_END, '+inf')
        .llen(keys.activeList(name))
        .pttl(keys.limiter(name));
    }
    const replies = ((await pipeline.exec()) ?? []).map(([error, value]) => {
      if (error) throw error;
      return value;
    });
    const [seconds, micros] = replies.shift() as [string, string];
    const now = Number(seconds) * 1000 + Number(micros) / 1000;
    const rows: OperationQueueStats[] = [];
    for (const operation of operations) {
      const sends = replies.shift() as string[];
      const [plain, interactive, background, active, limiterTtl] = replies.splice(0, 5) as number[];
      const waiting: Record<Priority, number> = {
        interactive: plain! + interactive!,
        background: background!,
      };
      const budget = gate.budget(operation);
      const usedInWindow = sends
        .filter((_, i) => i % 2 === 1)
        .filter((score) => Number(score) > now - budget.windowMs).length;
      for (const priority of PRIORITIES) {
        const counts = this.counts(operation, priority);
        const latencies = [...counts.latencies].sort((a, b) => a - b);
        const queued = [...counts.queued].sort((a, b) => a - b);
        rows.push({
          operation,
          priority,
          waiting: waiting[priority],
          active: active!,
          limit: budget.limit,
          reserve: budget.reserve,
          usedInWindow,
          sleepingMs: Math.max(0, limiterTtl!),
          submitted: counts.submitted,
          completed: counts.completed,
          failed: counts.failed,
          latencyMsP50: percentile(latencies, 0.5),
          latencyMsP95: percentile(latencies, 0.95),
          queuedMsP50: percentile(queued, 0.5),
          queuedMsP95: percentile(queued, 0.95),
        });
      }
    }
    return { pausedMs: await gate.pausedForMs(), operations: rows };
  }

  private counts(operation: OperationName, priority: Priority): LocalCounts {
    const key = `${operation}.${priority}`;
    let counts = this.local.get(key);
    if (!counts) {
      counts = { submitted: 0, completed: 0, failed: 0, latencies: [], queued: [] };
      this.local.set(key, counts);
    }
    return counts;
  }
}
