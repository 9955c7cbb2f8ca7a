import type { ChainableCommander, Redis } from 'ioredis';
import type { OperationName } from '../cms/catalog/index.js';
import { budgetFor, type Budget, type PacingSettings } from './budgets.js';
import type { Priority, QueueKeys } from './keys.js';
import { ACQUIRE_SLOT, LEARN_EPOCH } from './scripts/acquire-slot.js';
import { defineLuaScript, runLuaScript } from './scripts/lua-script.js';
import { PAUSE_CREDENTIAL } from './scripts/pause-credential.js';
import { RELEASE_SLOT, LOG_ANSWER } from './scripts/log-answer.js';
import { INTERACTIVE_SCORE_END, SNAPSHOT } from './scripts/snapshot.js';
import { WAKE_QUEUE } from './scripts/wake-queue.js';
import { WITHDRAW_JOB } from './scripts/withdraw-job.js';
import type { SentMarker } from './sent-marker.js';

export type SlotDecision =
  | { status: 'granted'; sentAt: number }
  /**
   * The operation's queue now sleeps this long (the gate put it to sleep). `stateLost`: Redis
   * had lost its state (the send logs with it), so the credential pauses for one window.
   */
  | { status: 'wait'; waitMs: number; stateLost?: true }
  /** A previous send of this job may have reached the CMS; `marker` is what it recorded. */
  | { status: 'maybe-sent'; marker: SentMarker; nowMs: number }
  /** The job's deadline passed before it could be sent; nothing was taken. */
  | { status: 'expired'; nowMs: number }
  /** Its submitter took the job back (see withdraw); nothing was taken. */
  | { status: 'withdrawn' };

export interface SlotRequest {
  operation: OperationName;
  priority: Priority;
  /** Unique to this send (a job's sends each get their own). */
  sendId: string;
  /** The queued job this send is for; none for a call made outside the queue (a verifier's read). */
  jobId?: string;
  /** Non-idempotent jobs: the sent marker to leave, refused if an earlier send left one. */
  marker?: { key: string; attempt: number; worker: string };
  /** Redis time (ms) after which the job must not be sent. */
  deadline?: number;
}

export interface PacingSnapshot {
  nowMs: number;
  pausedMs: number;
  /** Jobs that leave before the one asked about, of its own priority. */
  jobsAhead: number;
  /** Interactive jobs that leave before it (counted for background jobs only). */
  interactiveWaiting: number;
  /** The earliest time the budget's next background send may leave, if scheduled. */
  nextBackgroundSend: number | null;
  /** Send times still inside the window, oldest first. */
  sendTimes: number[];
  /** The background ones among them. */
  backgroundSendTimes: number[];
}

/** Marker TTL: long enough to outlive any worker restart, short enough to clean itself up. */
export const SENT_MARKER_TTL_MS = 24 * 60 * 60 * 1000;

const SCRIPTS = [
  ACQUIRE_SLOT,
  LEARN_EPOCH,
  LOG_ANSWER,
  RELEASE_SLOT,
  PAUSE_CREDENTIAL,
  SNAPSHOT,
  WAKE_QUEUE,
  WITHDRAW_JOB,
];

/**
 * The sliding-log pacing gate: never more than a budget's limit in any window, for every
 * process and host sharing the Redis, because one Lua script checks and appends atomically
 * against Redis's own clock. When it says wait, it has already put the operation's queue to sleep.
 */
export class PacingGate {
  /** The epoch of the Redis this gate last saw (see ACQUIRE_SLOT's epochKey). */
  private epoch = '';

  constructor(
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    private readonly settings: PacingSettings,
  ) {
    for (const script of SCRIPTS) defineLuaScript(redis, script);
  }

  /** Learns this Redis's epoch before any send (see LEARN_EPOCH). */
  async learnEpoch(id: string): Promise<void> {
    this.epoch = await runLuaScript<string, string, string>(
      this.redis,
      LEARN_EPOCH,
      { epochKey: this.keys.epoch },
      { id },
    );
  }

  budget(operation: OperationName): Budget {
    return budgetFor(operation, this.settings);
  }

  /** Takes a slot for one send, or says to wait, that an earlier send must be settled first, or that the deadline passed. */
  async acquire(request: SlotRequest): Promise<SlotDecision> {
    const budget = this.budget(request.operation);
    const queue = this.keys.queueName(request.operation);
    const [status, waitMs, now, previous, epoch, stateLost] = await runLuaScript<
      string,
      string,
      [number, number, string, string | null, string, number]
    >(
      this.redis,
      ACQUIRE_SLOT,
      {
        sendLog: this.keys.sendLog(budget.name),
        backgroundLog: this.keys.backgroundLog(budget.name),
        pauseKey: this.keys.pause,
        // Scripts may only touch keys they are given: without a marker, any key of ours will do.
        markerKey: request.marker?.key ?? this.keys.pause,
        scheduleKey: this.keys.backgroundSchedule(budget.name),
        lastGrantedKey: this.keys.lastGranted(queue),
        limiterKey: this.keys.limiter(queue),
        wakeKey: this.keys.wakeable(queue),
        prioritizedSet: this.keys.prioritized(queue),
        epochKey: this.keys.epoch,
        jobKey: request.jobId ? this.keys.job(queue, request.jobId) : this.keys.pause,
      },
      {
        limit: budget.limit,
        backgroundLimit: budget.limit - budget.reserve,
        windowMs: budget.windowMs,
        sendId: request.sendId,
        background: request.priority === 'background' ? 1 : 0,
        marker: request.marker
          ? JSON.stringify({ attempt: request.marker.attempt, worker: request.marker.worker })
          : '',
        markerTtlMs: SENT_MARKER_TTL_MS,
        inFlightMs: this.settings.requestTimeoutMs,
        spacingMs: budget.backgroundSpacingMs,
        jobId: request.jobId ?? '',
        deadline: request.deadline ?? '',
        interactiveScoreEnd: INTERACTIVE_SCORE_END,
        knownEpoch: this.epoch,
      },
    );
    const nowMs = Number(now);
    this.epoch = epoch;
    if (stateLost === 1) return { status: 'wait', waitMs: Math.max(1, waitMs), stateLost: true };
    if (status === 1) return { status: 'granted', sentAt: nowMs };
    if (status === -1)
      return { status: 'maybe-sent', marker: JSON.parse(previous!) as SentMarker, nowMs };
    if (status === -2) return { status: 'expired', nowMs };
    if (status === -3) return { status: 'withdrawn' };
    return { status: 'wait', waitMs: Math.max(1, waitMs) };
  }

  /**
   * Once a send's answer (or error, or timeout) is back: logs the send at this moment. Says
   * whether the send had already left the log (its slot ended before its answer came).
   */
  async logAnswer(
    operation: OperationName,
    priority: Priority,
    sendId: string,
  ): Promise<{ missing: boolean }> {
    const [, missing] = await runLuaScript<string, string, [string, number]>(
      this.redis,
      LOG_ANSWER,
      ...this.logAnswerArguments(operation, priority, sendId),
    );
    return { missing: missing === 1 };
  }

  /** The same, as part of a MULTI the caller sends anyway (saves a round trip). */
  logAnswerWithin(
    transaction: ChainableCommander,
    operation: OperationName,
    priority: Priority,
    sendId: string,
  ): void {
    void runLuaScript(
      transaction,
      LOG_ANSWER,
      ...this.logAnswerArguments(operation, priority, sendId),
    );
  }

  private logAnswerArguments(operation: OperationName, priority: Priority, sendId: string) {
    const budget = this.budget(operation);
    return [
      {
        sendLog: this.keys.sendLog(budget.name),
        backgroundLog: this.keys.backgroundLog(budget.name),
      },
      { sendId, windowMs: budget.windowMs, background: priority === 'background' ? 1 : 0 },
    ] as const;
  }

  /** Gives back a slot whose send never left; the job's sent marker (if any) goes with it. */
  async release(
    operation: OperationName,
    sendId: string,
    markerKey: string | undefined,
  ): Promise<void> {
    const budget = this.budget(operation);
    await runLuaScript(
      this.redis,
      RELEASE_SLOT,
      {
        sendLog: this.keys.sendLog(budget.name),
        backgroundLog: this.keys.backgroundLog(budget.name),
        markerKey: markerKey ?? this.keys.pause,
      },
      { sendId, hasMarker: markerKey ? 1 : 0 },
    );
  }

  /**
   * Takes a queued job back for good, unless a send of it was ever let through: true when
   * withdrawn (the gate will never grant it; a worker holding it drops it).
   */
  async withdraw(operation: OperationName, jobId: string, markerKey: string): Promise<boolean> {
    const queue = this.keys.queueName(operation);
    const keys = {
      jobKey: this.keys.job(queue, jobId),
      lastGrantedKey: this.keys.lastGranted(queue),
      markerKey,
    };
    return (
      (await runLuaScript<string, string, number>(this.redis, WITHDRAW_JOB, keys, { jobId })) === 1
    );
  }

  /** After a 429: no process sends anything for this credential until the pause ends. */
  pause(ms: number): Promise<number> {
    return runLuaScript(
      this.redis,
      PAUSE_CREDENTIAL,
      { pauseKey: this.keys.pause },
      { pauseMs: Math.max(1, Math.ceil(ms)) },
    );
  }

  async pausedForMs(): Promise<number> {
    return Math.max(0, await this.redis.pttl(this.keys.pause));
  }

  /** An interactive call was queued: wake its queue if it only sleeps for background work's sake. */
  async wake(operation: OperationName): Promise<boolean> {
    const queue = this.keys.queueName(operation);
    return (
      (await runLuaScript<string, string, number>(
        this.redis,
        WAKE_QUEUE,
        { wakeKey: this.keys.wakeable(queue), limiterKey: this.keys.limiter(queue) },
        {},
      )) === 1
    );
  }

  async snapshot(operation: OperationName, jobId: string): Promise<PacingSnapshot> {
    const budget = this.budget(operation);
    const queue = this.keys.queueName(operation);
    const [now, paused, sameAhead, interactiveAhead, nextBackgroundSend, sendCount, ...times] =
      await runLuaScript<string, string, (string | number)[]>(
        this.redis,
        SNAPSHOT,
        {
          sendLog: this.keys.sendLog(budget.name),
          backgroundLog: this.keys.backgroundLog(budget.name),
          pauseKey: this.keys.pause,
          scheduleKey: this.keys.backgroundSchedule(budget.name),
          waitList: this.keys.waitList(queue),
          prioritizedSet: this.keys.prioritized(queue),
          epochKey: this.keys.epoch,
          activeList: this.keys.activeList(queue),
          lastGrantedKey: this.keys.lastGranted(queue),
        },
        {
          windowMs: budget.windowMs,
          jobId,
          interactiveScoreEnd: INTERACTIVE_SCORE_END,
          jobKeyPrefix: this.keys.job(queue, ''),
        },
      );
    return {
      nowMs: Number(now),
      pausedMs: Math.max(0, Number(paused)),
      jobsAhead: Number(sameAhead),
      interactiveWaiting: Number(interactiveAhead),
      nextBackgroundSend: nextBackgroundSend === '' ? null : Number(nextBackgroundSend),
      sendTimes: times.slice(0, Number(sendCount)).map(Number),
      backgroundSendTimes: times.slice(Number(sendCount)).map(Number),
    };
  }
}
