import type { Redis } from 'ioredis';
import type { OperationName } from '../cms/catalog/index.js';
import { budgetFor, fillLimit, type Budget, type PacingSettings } from './budgets.js';
import type { Priority, QueueKeys } from './keys.js';
import { ACQUIRE_SLOT, PAUSE_CREDENTIAL, SNAPSHOT } from './scripts.js';

export type SlotDecision =
  | { status: 'granted'; sentAt: number }
  | { status: 'wait'; waitMs: number }
  /** A previous send of this job may have reached the CMS; `marker` is what it recorded. */
  | { status: 'maybe-sent'; marker: string };

export interface PacingSnapshot {
  nowMs: number;
  pausedMs: number;
  /** Jobs that leave before the one asked about (same operation and priority). */
  jobsAhead: number;
  /** Interactive jobs waiting for the same operation (counted for background jobs only). */
  interactiveWaiting: number;
  /** Send times still inside the window, oldest first. */
  sendTimes: number[];
}

interface PacingCommands {
  acquireSlot(...args: (string | number)[]): Promise<[number, number, string, string | null]>;
  pauseCredential(key: string, ms: number): Promise<number>;
  pacingSnapshot(...args: (string | number)[]): Promise<(string | number)[]>;
}

/** Marker TTL: long enough to outlive any worker restart, short enough to clean itself up. */
const SENT_MARKER_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The sliding-log pacing gate: never more than an operation's limit in any window, for every
 * process and host sharing the Redis, because one Lua script checks and appends atomically.
 */
export class PacingGate {
  private readonly redis: Redis & PacingCommands;

  constructor(
    redis: Redis,
    private readonly keys: QueueKeys,
    private readonly settings: PacingSettings,
  ) {
    redis.defineCommand('acquireSlot', { numberOfKeys: 4, lua: ACQUIRE_SLOT });
    redis.defineCommand('pauseCredential', { numberOfKeys: 1, lua: PAUSE_CREDENTIAL });
    redis.defineCommand('pacingSnapshot', { numberOfKeys: 5, lua: SNAPSHOT });
    this.redis = redis as Redis & PacingCommands;
  }

  budget(operation: OperationName): Budget {
    return budgetFor(operation, this.settings);
  }

  /**
   * Takes a slot for one send of a job. Non-idempotent jobs also leave a sent marker, and are
   * refused if an earlier send left one that was never cleared.
   */
  async acquire(request: {
    operation: OperationName;
    priority: Priority;
    sendId: string;
    markerKey?: string;
    marker?: string;
  }): Promise<SlotDecision> {
    const budget = this.budget(request.operation);
    const interactiveWait = this.keys.waitList(this.keys.queueName(request.operation, 'interactive'));
    const [status, waitMs, now, marker] = await this.redis.acquireSlot(
      this.keys.budget(request.operation),
      this.keys.pause,
      request.markerKey ?? this.keys.pause,
      interactiveWait,
      fillLimit(budget, request.priority),
      budget.windowMs,
      request.sendId,
      request.priority === 'background' ? 1 : 0,
      request.markerKey ? 1 : 0,
      request.marker ?? '',
      SENT_MARKER_TTL_MS,
    );
    if (status === 1) return { status: 'granted', sentAt: Number(now) };
    if (status === -1) return { status: 'maybe-sent', marker: marker ?? '' };
    return { status: 'wait', waitMs: Math.max(1, waitMs) };
  }

  /** After a 429: no process sends anything for this credential until the pause ends. */
  pause(ms: number): Promise<number> {
    return this.redis.pauseCredential(this.keys.pause, Math.max(1, Math.ceil(ms)));
  }

  async pausedForMs(): Promise<number> {
    return Math.max(0, await this.redis.pttl(this.keys.pause));
  }

  async snapshot(operation: OperationName, priority: Priority, jobId: string): Promise<PacingSnapshot> {
    const queueName = this.keys.queueName(operation, priority);
    const interactiveQueue = this.keys.queueName(operation, 'interactive');
    const [now, paused, jobsAhead, interactiveWaiting, ...sends] = await this.redis.pacingSnapshot(
      this.keys.budget(operation),
      this.keys.pause,
      this.keys.waitList(queueName),
      `${this.keys.namespace}:${queueName}:active`,
      this.keys.waitList(interactiveQueue),
      this.budget(operation).windowMs,
      jobId,
    );
    return {
      nowMs: Number(now),
      pausedMs: Math.max(0, Number(paused)),
      jobsAhead: Number(jobsAhead),
      interactiveWaiting: priority === 'background' ? Number(interactiveWaiting) : 0,
      sendTimes: sends.map(Number),
    };
  }
}
