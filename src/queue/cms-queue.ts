/**
 * The path of one CMS call, from a command handler to the CMS and back:
 *
 *   CmsQueue.submit(operation, input)        this file: validates, checks a worker serves the
 *     │                                      operation, adds a BullMQ job, answers with an ETA
 *     ▼
 *   BullMQ queue `cms.<operation>`           one per operation, in Redis; interactive jobs
 *     │                                      first, then FIFO; one active job across processes
 *     ▼
 *   CmsWorkers.process(job)                  cms-workers.ts, in any worker process
 *     │ PacingGate.acquire                   pacing-gate.ts + scripts/acquire-slot.ts: a slot in
 *     │                                      the budget's sliding log, or the queue sleeps
 *     │ CmsClient.call                       ../cms/client.ts: the HTTP request, within the slot
 *     ▼
 *   outcome stored and published             cms-workers.ts `finish`: the send logged at its
 *     │                                      answer, the sent marker updated, pub/sub to us
 *     ▼
 *   CmsQueue.onOutcome → ticket.result       here: settles the caller's promise
 */
import { randomUUID } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  getOperation,
  operationNames,
  type OperationInput,
  type OperationName,
  type OperationOutput,
} from '../cms/catalog/index.js';
import { CmsError, describeIssue } from '../cms/errors.js';
import type { PacingSettings } from './budgets.js';
import { estimateWaitMs } from './eta.js';
import type { CmsJobData, DispatchMeta, JobOutcome } from './jobs.js';
import { BULL_PRIORITY, type Priority, type QueueKeys } from './keys.js';
import { PacingGate } from './pacing-gate.js';
import { QueueMetrics, type QueueHooks, type QueueStats } from './queue-metrics.js';
import { queueOptions } from './queue-options.js';
import { RedisClock } from './redis-clock.js';
import { isRedisConnectionError } from '../redis-health.js';
import { ServedOperations } from './served-operations.js';

export interface SubmitOptions {
  priority?: Priority;
  /** Read an ETA for the ticket (one more Redis round trip). Default true. */
  estimate?: boolean;
  /**
   * When the call must have been sent by (ms since the epoch, this process's clock); after it
   * the call is dropped unsent with an `expired` error. Interactive calls default to just under
   * Discord's 15-minute interaction token; `null` means none.
   */
  deadline?: number | null;
}

export interface CallResult<T> {
  data: T;
  meta: DispatchMeta;
}

export interface Ticket<T> {
  jobId: string;
  queue: string;
  /** Estimated time until the request is sent, known at once (for "queued, ~40 s"). */
  etaMs: number;
  /** Jobs ahead of this one in its queue when it was added (of its priority, plus interactive ones for background). */
  position: number;
  /** Settles when a worker in any process has finished the job. Rejects with a CmsError. */
  result: Promise<CallResult<T>>;
  /** Takes the job out if it was never let through to the CMS; true if it was removed. */
  cancel(): Promise<boolean>;
}

export interface CmsQueueOptions {
  /** A producer connection: fails fast while Redis is down (see createRedisConnection). */
  connection: Redis;
  /** A second connection for receiving results; it is put in subscriber mode. */
  subscriber: Redis;
  keys: QueueKeys;
  pacing: PacingSettings;
  logger: Logger;
  /** Metrics hooks (src/ops); none by default. */
  hooks?: QueueHooks;
}

interface Pending {
  queue: string;
  jobId: string;
  operation: OperationName;
  priority: Priority;
  submittedAt: number;
  resolve(result: CallResult<unknown>): void;
  reject(error: unknown): void;
}

/** Finished jobs stay in Redis this long, so a submitter that missed the news can look them up. */
const KEEP_FINISHED = { age: 3600, count: 5000 };
/** Outcomes that arrive before their submit call has registered (kept briefly). */
const EARLY_OUTCOME_TTL_MS = 60_000;
/** How often calls still waiting are looked up in Redis, in case their outcome was missed. */
const SWEEP_EVERY_MS = 15_000;
/** Discord's interaction token lives 15 minutes; an interactive call must end well before. */
export const INTERACTIVE_DEADLINE_MS = 14 * 60_000;

/**
 * The only way the bot calls the CMS: `submit(operation, input, {priority})` queues the call in
 * Redis (BullMQ), answers at once with an ETA, and settles when a worker in any process has
 * sent it within the operation's budget.
 */
export class CmsQueue {
  /** Identifies this submitter: workers publish outcomes to its own channel. */
  readonly id = randomUUID();
  private readonly gate: PacingGate;
  private readonly served: ServedOperations;
  private readonly clock: RedisClock;
  private readonly queues = new Map<string, Queue<CmsJobData, JobOutcome>>();
  private readonly pending = new Map<string, Pending>();
  private readonly early = new Map<string, { outcome: JobOutcome; at: number }>();
  private readonly metrics = new QueueMetrics();
  private starting: Promise<void> | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(private readonly options: CmsQueueOptions) {
    this.gate = new PacingGate(options.connection, options.keys, options.pacing);
    this.served = new ServedOperations(options.connection, options.keys);
    this.clock = new RedisClock(options.connection, options.keys.epoch);
  }

  /**
   * Subscribes to this submitter's outcomes and readies a queue for every operation, so no user
   * pays for that on a first call. Calls while starting wait for it; a failed start is retried.
   */
  start(): Promise<void> {
    this.starting ??= this.subscribe().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  private async subscribe(): Promise<void> {
    const { subscriber, keys, logger } = this.options;
    await Promise.all([
      this.clock.sync(),
      ...operationNames.map((operation) => this.queueFor(operation).waitUntilReady()),
    ]);
    subscriber.on('message', (_channel: string, message: string) => {
      try {
        this.onOutcome(JSON.parse(message) as JobOutcome);
      } catch (error) {
        logger.warn({ err: error }, 'ignored a malformed message on the results channel');
      }
    });
    // Pub/sub delivers at most once: after a reconnect, and every little while, look up in
    // Redis the calls still waiting.
    subscriber.on('ready', () => void this.sweep(0));
    this.sweeper = setInterval(() => void this.sweep(SWEEP_EVERY_MS), SWEEP_EVERY_MS).unref();
    await subscriber.subscribe(keys.results(this.id));
  }

  /**
   * Stops listening. Calls still waiting stay queued in Redis and may yet be sent by a worker,
   * so their callers hear that: a write as `uncertain` (it may still happen, do not resend it
   * blindly), a read as a `network` error (asking again is harmless).
   */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    for (const pending of this.pending.values()) {
      const write = !getOperation(pending.operation).idempotent;
      const message =
        'the CMS queue was closed before the call finished; it stays queued and may still be sent';
      pending.reject(
        new CmsError({
          kind: write ? 'uncertain' : 'network',
          operation: pending.operation,
          message,
        }),
      );
    }
    this.pending.clear();
  }

  /** Submits and waits: the data, or a CmsError. (No ETA is read: nobody would see it.) */
  async call<N extends OperationName>(
    operation: N,
    input: OperationInput<N>,
    options: SubmitOptions = {},
  ): Promise<OperationOutput<N>> {
    const { result } = await this.submit(operation, input, { ...options, estimate: false });
    return (await result).data;
  }

  async submit<N extends OperationName>(
    operation: N,
    input: OperationInput<N>,
    options: SubmitOptions = {},
  ): Promise<Ticket<OperationOutput<N>>> {
    const priority = options.priority ?? 'interactive';
    const deadline =
      options.deadline === undefined
        ? priority === 'interactive'
          ? Date.now() + INTERACTIVE_DEADLINE_MS
          : null
        : options.deadline;
    await this.start();
    await this.clock.refresh();
    const { job, result, cancel } = await this.enqueue(
      operation,
      input,
      priority,
      deadline === null ? undefined : this.clock.toRedisTime(deadline),
    );
    // An interactive call may wake a queue that sleeps only for background work's sake.
    const woken =
      priority === 'interactive'
        ? this.gate.wake(operation).catch(() => false)
        : Promise.resolve(false);
    // An ETA is a courtesy: if Redis cannot answer now, the job is queued all the same.
    const snapshot =
      options.estimate === false
        ? null
        : await this.gate.snapshot(operation, job.id!).catch(() => null);
    await woken;
    const etaMs = snapshot ? estimateWaitMs(snapshot, this.gate.budget(operation), priority) : 0;
    if (
      snapshot &&
      deadline !== null &&
      this.clock.toLocalTime(snapshot.nowMs) + etaMs > deadline &&
      (await cancel())
    ) {
      // It would not be sent in time: not queued at all, and the caller learns when to try again.
      throw new CmsError({
        kind: 'expired',
        operation,
        retryAfterMs: etaMs,
        message: `not queued: the queue for ${operation} is about ${Math.ceil(etaMs / 1000)} s long, past the call's deadline`,
      });
    }
    return {
      jobId: job.id!,
      queue: job.queueName,
      etaMs,
      position: snapshot ? snapshot.jobsAhead + snapshot.interactiveWaiting : 0,
      result,
      cancel,
    };
  }

  private async enqueue<N extends OperationName>(
    operation: N,
    input: OperationInput<N>,
    priority: Priority,
    deadline: number | undefined,
  ) {
    // Bad input never enters the queue: the caller hears at once, and no budget is spent.
    const parsed = getOperation(operation).input.safeParse(input);
    if (!parsed.success) {
      const { field, text } = describeIssue(parsed.error, 'input');
      throw new CmsError({
        kind: 'invalid-input',
        operation,
        field,
        message: `invalid input, not queued: ${text}`,
      });
    }
    const unavailable = (reason: string) =>
      new CmsError({
        kind: 'network',
        operation,
        message: `the CMS queue is unavailable (Redis): ${reason}`,
      });
    // BullMQ would wait for Redis to come back; a user waiting on an interaction should hear now.
    if (this.options.connection.status !== 'ready')
      throw unavailable(`connection is ${this.options.connection.status}`);
    const served = await this.served.isServed(operation).catch((error: Error) => {
      throw unavailable(error.message);
    });
    if (!served) {
      throw new CmsError({
        kind: 'no-worker',
        operation,
        message:
          'no CMS worker process serves this operation, so the call was not queued (see CMS_WORKER_OPERATIONS)',
      });
    }
    const queue = this.queueFor(operation);
    const data: CmsJobData = {
      operation,
      input,
      priority,
      submitter: this.id,
      attempt: 1,
      deadline,
    };
    let job: Job<CmsJobData, JobOutcome>;
    try {
      job = await queue.add(operation, data, {
        priority: BULL_PRIORITY[priority],
        removeOnComplete: KEEP_FINISHED,
        removeOnFail: KEEP_FINISHED,
      });
    } catch (error) {
      throw unavailable((error as Error).message);
    }
    const key = `${queue.name}:${job.id}`;
    const result = new Promise<CallResult<OperationOutput<N>>>((resolve, reject) => {
      this.pending.set(key, {
        queue: queue.name,
        jobId: job.id!,
        operation,
        priority,
        submittedAt: Date.now(),
        resolve: resolve as Pending['resolve'],
        reject,
      });
    });
    // Keep an unobserved failure from crashing the process; callers still see it.
    result.catch(() => {});
    this.metrics.submitted(operation, priority);
    const early = this.early.get(key);
    if (early) {
      this.early.delete(key);
      this.onOutcome(early.outcome);
    }
    const cancel = async (): Promise<boolean> => {
      // Atomic with the gate: once withdrawn, no worker can be let through with it.
      if (
        !(await this.gate.withdraw(
          operation,
          job.id!,
          this.options.keys.sentMarker(queue.name, job.id!),
        ))
      )
        return false;
      // Tidy up now if no worker holds it; one that does drops it at its next try.
      await job.remove().catch(() => {});
      const entry = this.pending.get(key);
      this.pending.delete(key);
      entry?.reject(
        new CmsError({ kind: 'cancelled', operation, message: 'cancelled before it was sent' }),
      );
      return true;
    };
    return { job, result, cancel };
  }

  /** Time left on the credential-wide pause after a 429 (0: none); one Redis read, no CMS call. */
  pausedForMs(): Promise<number> {
    return this.gate.pausedForMs();
  }

  /** Whether some worker process announces it serves the operation (no CMS call). */
  isServed(operation: OperationName): Promise<boolean> {
    return this.served.isServed(operation);
  }

  /** Depth, budget use and waits for each operation, for the bot and the metrics endpoint. */
  async stats(operations: readonly OperationName[] = operationNames): Promise<QueueStats> {
    return this.metrics.collect(this.options.connection, this.options.keys, this.gate, operations);
  }

  private queueFor(operation: OperationName): Queue<CmsJobData, JobOutcome> {
    const name = this.options.keys.queueName(operation);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<CmsJobData, JobOutcome>(
        name,
        queueOptions(this.options.connection, this.options.keys),
      );
      queue.on('error', (error) => {
        // One queue per operation: while Redis is down, the connection's one outage line says it.
        if (isRedisConnectionError(error))
          this.options.logger.debug({ err: error, queue: name }, 'CMS queue lost Redis');
        else this.options.logger.warn({ err: error, queue: name }, 'CMS queue connection error');
      });
      this.queues.set(name, queue);
    }
    return queue;
  }

  private onOutcome(outcome: JobOutcome): void {
    const key = `${outcome.queue}:${outcome.jobId}`;
    const pending = this.pending.get(key);
    if (!pending) {
      // The worker beat our own bookkeeping; hold the outcome for the submit call.
      const now = Date.now();
      for (const [k, v] of this.early) if (now - v.at > EARLY_OUTCOME_TTL_MS) this.early.delete(k);
      this.early.set(key, { outcome, at: now });
      return;
    }
    this.pending.delete(key);
    this.metrics.finished(
      pending.operation,
      pending.priority,
      outcome,
      Date.now() - pending.submittedAt,
    );
    this.options.hooks?.callFinished?.(pending.operation, pending.priority, outcome);
    if (outcome.ok) pending.resolve({ data: outcome.data, meta: outcome.meta });
    else pending.reject(CmsError.fromJSON(outcome.error));
  }

  /**
   * Looks up in Redis the calls waiting longer than `olderThanMs` (one pipelined round trip),
   * and settles the finished ones. A sweep still running is not started again.
   */
  private async sweep(olderThanMs: number): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const now = Date.now();
      const due = [...this.pending.values()].filter(
        (pending) => now - pending.submittedAt >= olderThanMs,
      );
      if (due.length === 0) return;
      const pipeline = this.options.connection.pipeline();
      for (const pending of due)
        pipeline.hmget(
          this.options.keys.job(pending.queue, pending.jobId),
          'returnvalue',
          'failedReason',
          'data',
        );
      const replies = (await pipeline.exec()) ?? [];
      due.forEach((pending, index) => {
        const [error, fields] = replies[index] ?? [new Error('no reply')];
        if (error) return;
        const outcome = outcomeInRedis(pending, fields as (string | null)[]);
        if (outcome) this.onOutcome(outcome);
      });
    } catch (error) {
      // Redis is not back yet: the next sweep tries again.
      this.options.logger.debug({ err: error }, 'could not look up queued CMS calls yet');
    } finally {
      this.sweeping = false;
    }
  }
}

/** A waiting call's outcome as BullMQ keeps it, if the job has finished (or vanished). */
function outcomeInRedis(
  pending: Pending,
  [returnValue, failedReason, data]: (string | null)[],
): JobOutcome | undefined {
  const { jobId, queue, operation } = pending;
  if (returnValue) return JSON.parse(returnValue) as JobOutcome;
  if (failedReason) {
    // Our workers store the outcome as the failure reason; BullMQ's own failures (stalled too often) are plain text.
    try {
      return JSON.parse(failedReason) as JobOutcome;
    } catch {
      const attempts = data ? (JSON.parse(data) as CmsJobData).attempt : 0;
      const error = new CmsError({
        kind: 'uncertain',
        operation,
        message: `the queued call failed in the queue itself: ${failedReason}`,
      });
      return {
        jobId,
        queue,
        ok: false,
        error: error.toJSON(),
        meta: { dispatchedAt: null, attempts },
      };
    }
  }
  if (data === null) {
    const error = new CmsError({
      kind: 'uncertain',
      operation,
      message: 'the queued call is no longer in Redis (was Redis emptied?); its outcome is unknown',
    });
    return {
      jobId,
      queue,
      ok: false,
      error: error.toJSON(),
      meta: { dispatchedAt: null, attempts: 0 },
    };
  }
  return undefined;
}
