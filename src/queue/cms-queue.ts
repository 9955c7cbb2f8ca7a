import { randomUUID } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { getOperation, operationNames, type OperationInput, type OperationName, type OperationOutput } from '../cms/catalog/index.js';
import { describeIssue } from '../cms/errors.js';
import { CmsError } from '../cms/errors.js';
import type { PacingSettings } from './budgets.js';
import { estimateWaitMs } from './eta.js';
import type { CmsJobData, DispatchMeta, JobOutcome } from './jobs.js';
import { PRIORITIES, type Priority, type QueueKeys } from './keys.js';
import { PacingGate } from './pacing-gate.js';
import { QueueMetrics, type QueueStats } from './queue-metrics.js';

export interface SubmitOptions {
  priority?: Priority;
  /** Read an ETA for the ticket (one more Redis round trip). Default true. */
  estimate?: boolean;
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
  /** Jobs ahead of this one in its queue when it was added. */
  position: number;
  /** Settles when a worker in any process has finished the job. Rejects with a CmsError. */
  result: Promise<CallResult<T>>;
  /** Takes the job out if no worker has started it; true if it was removed. */
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
}

interface Pending {
  queue: string;
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

/**
 * The only way the bot calls the CMS: `submit(operation, input, {priority})` queues the call in
 * Redis (BullMQ), answers at once with an ETA, and settles when a worker in any process has
 * sent it within the operation's budget.
 */
export class CmsQueue {
  /** Identifies this submitter: workers publish outcomes to its own channel. */
  readonly id = randomUUID();
  private readonly gate: PacingGate;
  private readonly queues = new Map<string, Queue<CmsJobData, JobOutcome>>();
  private readonly pending = new Map<string, Pending>();
  private readonly early = new Map<string, { outcome: JobOutcome; at: number }>();
  private readonly metrics = new QueueMetrics();
  private starting: Promise<void> | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: CmsQueueOptions) {
    this.gate = new PacingGate(options.connection, options.keys, options.pacing);
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
    await Promise.all(operationNames.flatMap((operation) => PRIORITIES.map((priority) => this.queueFor(operation, priority).waitUntilReady())));
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

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    const closing = new CmsError({ kind: 'network', operation: 'queue', message: 'the CMS queue was closed before the call finished' });
    for (const pending of this.pending.values()) pending.reject(closing);
    this.pending.clear();
  }

  /** Submits and waits: the data, or a CmsError. (No ETA is read: nobody would see it.) */
  async call<N extends OperationName>(operation: N, input: OperationInput<N>, options: SubmitOptions = {}): Promise<OperationOutput<N>> {
    const { result } = await this.submit(operation, input, { ...options, estimate: false });
    return (await result).data;
  }

  async submit<N extends OperationName>(operation: N, input: OperationInput<N>, options: SubmitOptions = {}): Promise<Ticket<OperationOutput<N>>> {
    const priority = options.priority ?? 'interactive';
    const { job, result, cancel } = await this.enqueue(operation, input, priority);
    // An ETA is a courtesy: if Redis cannot answer now, the job is queued all the same.
    const snapshot = options.estimate === false ? null : await this.gate.snapshot(operation, priority, job.id!).catch(() => null);
    return {
      jobId: job.id!,
      queue: job.queueName,
      etaMs: snapshot ? estimateWaitMs(snapshot, this.gate.budget(operation), priority) : 0,
      position: snapshot?.jobsAhead ?? 0,
      result,
      cancel,
    };
  }

  private async enqueue<N extends OperationName>(operation: N, input: OperationInput<N>, priority: Priority) {
    await this.start();
    // Bad input never enters the queue: the caller hears at once, and no budget is spent.
    const parsed = getOperation(operation).input.safeParse(input);
    if (!parsed.success) {
      const { field, text } = describeIssue(parsed.error, 'input');
      throw new CmsError({ kind: 'invalid-input', operation, field, message: `invalid input, not queued: ${text}` });
    }
    const unavailable = (reason: string) => new CmsError({ kind: 'network', operation, message: `the CMS queue is unavailable (Redis): ${reason}` });
    // BullMQ would wait for Redis to come back; a user waiting on an interaction should hear now.
    if (this.options.connection.status !== 'ready') throw unavailable(`connection is ${this.options.connection.status}`);
    const queue = this.queueFor(operation, priority);
    const data: CmsJobData = { operation, input, priority, submitter: this.id, attempt: 1 };
    let job: Job<CmsJobData, JobOutcome>;
    try {
      job = await queue.add(operation, data, { removeOnComplete: KEEP_FINISHED, removeOnFail: KEEP_FINISHED });
    } catch (error) {
      throw unavailable((error as Error).message);
    }
    const key = `${queue.name}:${job.id}`;
    const result = new Promise<CallResult<OperationOutput<N>>>((resolve, reject) => {
      this.pending.set(key, { queue: queue.name, operation, priority, submittedAt: Date.now(), resolve: resolve as Pending['resolve'], reject });
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
      const state = await job.getState();
      if (state !== 'waiting' && state !== 'prioritized') return false;
      // Waiting for a retry means it was sent before and may have taken effect: not cancellable.
      const current = await Job.fromId<CmsJobData, JobOutcome>(queue, job.id!);
      if (!current || current.data.attempt > 1) return false;
      try {
        await job.remove();
      } catch {
        return false; // a worker took it in the meantime
      }
      const entry = this.pending.get(key);
      this.pending.delete(key);
      entry?.reject(new CmsError({ kind: 'cancelled', operation, message: 'cancelled before it was sent' }));
      return true;
    };
    return { job, result, cancel };
  }

  /** Depth, budget use and waits for every (operation, priority), for the bot and the metrics endpoint. */
  async stats(operations: readonly OperationName[] = operationNames): Promise<QueueStats> {
    return this.metrics.collect(this.options.connection, this.options.keys, this.gate, operations);
  }

  private queueFor(operation: OperationName, priority: Priority): Queue<CmsJobData, JobOutcome> {
    const name = this.options.keys.queueName(operation, priority);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<CmsJobData, JobOutcome>(name, { connection: this.options.connection, prefix: this.options.keys.bullPrefix });
      queue.on('error', (error) => this.options.logger.warn({ err: error, queue: name }, 'CMS queue connection error'));
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
    this.metrics.finished(pending.operation, pending.priority, outcome, Date.now() - pending.submittedAt);
    if (outcome.ok) pending.resolve({ data: outcome.data, meta: outcome.meta });
    else pending.reject(CmsError.fromJSON(outcome.error));
  }

  /** Looks up in BullMQ the calls waiting longer than `olderThanMs`, and settles the finished ones. */
  private async sweep(olderThanMs: number): Promise<void> {
    const now = Date.now();
    for (const [key, pending] of [...this.pending]) {
      if (now - pending.submittedAt < olderThanMs) continue;
      const jobId = key.slice(pending.queue.length + 1);
      try {
        const job = await Job.fromId<CmsJobData, JobOutcome>(this.queueFor(pending.operation, pending.priority), jobId);
        if (!job) {
          const error = new CmsError({ kind: 'uncertain', operation: pending.operation, message: 'the queued call is no longer in Redis (was Redis emptied?); its outcome is unknown' });
          this.onOutcome({ jobId, queue: pending.queue, ok: false, error: error.toJSON(), meta: { dispatchedAt: null, attempts: 0 } });
        } else if (job.returnvalue) this.onOutcome(job.returnvalue);
        else if (job.failedReason) this.onOutcome(outcomeOfFailedJob(job, pending.operation));
      } catch (error) {
        // Redis is not back yet: the next sweep tries again.
        this.options.logger.debug({ err: error, key }, 'could not look up a queued CMS call yet');
      }
    }
  }
}

/** Our workers store the outcome as the failure reason; BullMQ's own failures (stalled too often) are plain text. */
function outcomeOfFailedJob(job: Job<CmsJobData, JobOutcome>, operation: OperationName): JobOutcome {
  try {
    return JSON.parse(job.failedReason) as JobOutcome;
  } catch {
    const error = new CmsError({ kind: 'uncertain', operation, message: `the queued call failed in the queue itself: ${job.failedReason}` });
    return { jobId: job.id!, queue: job.queueName, ok: false, error: error.toJSON(), meta: { dispatchedAt: null, attempts: job.data.attempt } };
  }
}
