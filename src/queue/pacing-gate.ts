import type { ChainableCommander, Redis } from 'ioredis';
import type { OperationName } from '../cms/catalog/index.js';
import { budgetFor, type Budget, type PacingSettings } from './budgets.js';
import type { Priority, QueueKeys } from './keys.js';
import { ACQUIRE_SLOT, PAUSE_CREDENTIAL, SETTLE_SLOT, SNAPSHOT } from './scripts.js';

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
  /** The earliest time the operation's next background send may leave, if scheduled. */
  nextBackgroundSend: number | null;
  /** Send times still inside the window, oldest first. */
  sendTimes: number[];
  /** The background ones among them. */
  backgroundSendTimes: number[];
}

interface PacingCommands {
  acquireSlot(...args: (string | number)[]): Promise<[number, number, string, string | null]>;
  settleSlot(log: string, backgroundLog: string, member: string, windowMs: number): Promise<string | null>;
  pauseCredential(key: string, ms: number): Promise<number>;
  pacingSnapshot(...args: (string | number)[]): Promise<(string | number)[]>;
}

/** Marker TTL: long enough to outlive any worker restart, short enough to clean itself up. */
export const SENT_MARKER_TTL_MS = 24 * 60 * 60 * 1000;

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
    redis.defineCommand('acquireSlot', { numberOfKeys: 9, lua: ACQUIRE_SLOT });
    redis.defineCommand('settleSlot', { numberOfKeys: 2, lua: SETTLE_SLOT });
    redis.defineCommand('pauseCredential', { numberOfKeys: 1, lua: PAUSE_CREDENTIAL });
    redis.defineCommand('pacingSnapshot', { numberOfKeys: 8, lua: SNAPSHOT });
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
    /** The queued job this send is for; none for calls made outside a queue. */
    jobId?: string;
    markerKey?: string;
    marker?: string;
  }): Promise<SlotDecision> {
    const budget = this.budget(request.operation);
    const interactiveQueue = this.keys.queueName(request.operation, 'interactive');
    const granted = this.keys.lastGranted(this.keys.queueName(request.operation, request.priority));
    const [status, waitMs, now, marker] = await this.redis.acquireSlot(
      this.keys.budget(request.operation),
      this.keys.backgroundBudget(request.operation),
      this.keys.pause,
      request.markerKey ?? this.keys.pause,
      this.keys.waitList(interactiveQueue),
      this.keys.nextBackgroundSend(request.operation),
      granted,
      this.keys.activeList(interactiveQueue),
      this.keys.lastGranted(interactiveQueue),
      budget.limit,
      budget.limit - budget.reserve,
      budget.windowMs,
      request.sendId,
      request.priority === 'background' ? 1 : 0,
      request.markerKey ? 1 : 0,
      request.marker ?? '',
      SENT_MARKER_TTL_MS,
      this.settings.requestTimeoutMs,
      budget.backgroundSpacingMs,
      request.jobId ?? '',
    );
    if (status === 1) return { status: 'granted', sentAt: Number(now) };
    if (status === -1) return { status: 'maybe-sent', marker: marker ?? '' };
    return { status: 'wait', waitMs: Math.max(1, waitMs) };
  }

  /** Once a send's answer (or error, or timeout) is back: logs the send at this moment. */
  async settle(operation: OperationName, sendId: string): Promise<void> {
    await this.redis.settleSlot(...this.settleArguments(operation, sendId));
  }

  /** The same, as part of a MULTI the caller sends anyway (saves a round trip). */
  settleWithin(transaction: ChainableCommander, operation: OperationName, sendId: string): ChainableCommander {
    return (transaction as ChainableCommander & Pick<PacingCommands, 'settleSlot'>).settleSlot(...this.settleArguments(operation, sendId)) as unknown as ChainableCommander;
  }

  private settleArguments(operation: OperationName, sendId: string): [string, string, string, number] {
    return [this.keys.budget(operation), this.keys.backgroundBudget(operation), sendId, this.budget(operation).windowMs];
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
    const [now, paused, jobsAhead, interactiveWaiting, nextBackgroundSend, sendCount, ...times] = await this.redis.pacingSnapshot(
      this.keys.budget(operation),
      this.keys.backgroundBudget(operation),
      this.keys.pause,
      this.keys.waitList(queueName),
      this.keys.activeList(queueName),
      this.keys.waitList(interactiveQueue),
      this.keys.nextBackgroundSend(operation),
      this.keys.lastGranted(queueName),
      this.budget(operation).windowMs,
      jobId,
    );
    return {
      nowMs: Number(now),
      pausedMs: Math.max(0, Number(paused)),
      jobsAhead: Number(jobsAhead),
      interactiveWaiting: priority === 'background' ? Number(interactiveWaiting) : 0,
      nextBackgroundSend: nextBackgroundSend === '' ? null : Number(nextBackgroundSend),
      sendTimes: times.slice(0, Number(sendCount)).map(Number),
      backgroundSendTimes: times.slice(Number(sendCount)).map(Number),
    };
  }
}
