import { randomUUID } from 'node:crypto';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { getOperation, type OperationName } from '../cms/catalog/index.js';
import type { CmsClient } from '../cms/client.js';
import { CmsError } from '../cms/errors.js';
import type { PacingSettings } from './budgets.js';
import { EarlierSends } from './earlier-send.js';
import type { CmsJobData, DispatchMeta, JobOutcome } from './jobs.js';
import type { QueueKeys } from './keys.js';
import { PacingGate, SENT_MARKER_TTL_MS } from './pacing-gate.js';
import { queueOptions } from './queue-options.js';
import { afterFailure } from './retry-policy.js';
import type { SentMarker } from './sent-marker.js';
import { ANNOUNCE_EVERY_MS, ANNOUNCEMENT_TTL_MS, ServedOperations } from './served-operations.js';
import { PacingAgreement } from './pacing-agreement.js';
import type { QueueHooks } from './queue-metrics.js';
import { SlotTimer } from './slot-time.js';
import { isRedisConnectionError } from '../redis-health.js';

export interface CmsWorkersOptions {
  /** A connection with `maxRetriesPerRequest: null` (see createRedisConnection). */
  connection: Redis;
  keys: QueueKeys;
  pacing: PacingSettings;
  client: CmsClient;
  logger: Logger;
  /** Sends per job at most, retries included. */
  maxAttempts: number;
  /** First retry delay; doubles each time (with jitter). */
  retryBaseMs: number;
  /** The operations this process serves (one BullMQ worker, so one blocking connection, each). */
  operations: readonly OperationName[];
  /** How long a job stays claimed without a sign of life before another process takes it over. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Metrics hooks (src/ops); none by default. */
  hooks?: QueueHooks;
}

type CmsJob = Job<CmsJobData, JobOutcome>;

/** BullMQ honours `queue.rateLimit()` (our gate's sleeps) only for workers that have a limiter; this one never trips by itself. */
const MANUAL_RATE_LIMIT_ONLY = { max: Number.MAX_SAFE_INTEGER, duration: 1_000 };
/**
 * A sleeping queue looks at its rate-limit key this often: how soon an interactive call queued
 * behind sleeping background work (see WAKE_QUEUE) is picked up, for one cheap script a look.
 */
const SLEEPING_QUEUE_LOOKS_EVERY_MS = 250;

/**
 * Runs queued CMS calls: one BullMQ worker per served operation, each queue limited to one
 * active job across all processes so sends leave in order (interactive first, then FIFO).
 *
 * A job's life here: the pacing gate grants a slot (or puts the queue to sleep until one
 * frees, the job back at the head), the client sends within what is left of the slot, and the
 * outcome is stored and published to the submitter. A failed send that may succeed later is
 * delayed on its own (BullMQ's delayed set), never holding up the jobs behind it.
 */
export class CmsWorkers {
  readonly id = randomUUID();
  private readonly gate: PacingGate;
  private readonly served: ServedOperations;
  private readonly agreement: PacingAgreement;
  private readonly earlierSends: EarlierSends;
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private announcer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CmsWorkersOptions) {
    this.gate = new PacingGate(options.connection, options.keys, options.pacing);
    this.served = new ServedOperations(options.connection, options.keys);
    this.agreement = new PacingAgreement(options.connection, options.keys, options.pacing, this.id);
    this.earlierSends = new EarlierSends(
      this.gate,
      options.client,
      this.retrySettings,
      options.logger,
    );
  }

  private get retrySettings() {
    const { maxAttempts, retryBaseMs, pacing } = this.options;
    return {
      maxAttempts,
      retryBaseMs,
      windowMs: pacing.windowMs,
      marginMs: pacing.marginMs,
      requestTimeoutMs: pacing.requestTimeoutMs,
    };
  }

  get operations(): readonly OperationName[] {
    return this.options.operations;
  }

  async start(): Promise<void> {
    const { connection, keys, logger } = this.options;
    // Before any job is taken: refused (PacingDisagreement) beside a process pacing otherwise.
    await this.agreement.announce(ANNOUNCEMENT_TTL_MS);
    await this.gate.learnEpoch(this.id);
    for (const operation of this.options.operations) {
      const name = keys.queueName(operation);
      const queue = new Queue(name, queueOptions(connection, keys));
      await queue.setGlobalConcurrency(1);
      this.queues.set(name, queue);
      const worker = new Worker<CmsJobData, JobOutcome>(
        name,
        (job, token) => this.track(this.process(job, token!)),
        {
          connection,
          prefix: keys.bullPrefix,
          concurrency: 1,
          limiter: MANUAL_RATE_LIMIT_ONLY,
          maximumRateLimitDelay: SLEEPING_QUEUE_LOOKS_EVERY_MS,
          // An idle worker blocks this long per poll (BullMQ's cap): fewer round trips when idle.
          drainDelay: 10,
          lockDuration: this.options.lockDurationMs ?? 30_000,
          // Spread the stalled-job checks of the workers over time instead of firing together.
          stalledInterval: Math.round(
            (this.options.stalledIntervalMs ?? 30_000) * (0.75 + Math.random() / 2),
          ),
          maxStalledCount: 2,
        },
      );
      worker.on('error', (error) => {
        // While Redis is down every worker reports it: the connection's one outage line says it once.
        if (isRedisConnectionError(error))
          logger.debug({ err: error, queue: name }, 'CMS worker lost Redis');
        else logger.error({ err: error, queue: name }, 'CMS worker error');
      });
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
    await this.announce();
    // A Redis that lost its state lost the announcements too: renew them as soon as it is back,
    // not up to ANNOUNCE_EVERY_MS later (meanwhile every call would fail as served by nobody).
    connection.on('ready', this.announceAgain);
    this.announcer = setInterval(this.announceAgain, ANNOUNCE_EVERY_MS).unref();
  }

  private readonly announceAgain = () =>
    void this.announce().catch((error: unknown) =>
      this.options.logger.error({ err: error }, 'could not renew the worker announcement'),
    );

  /**
   * Tells submitters which operations this process serves (see ServedOperations), and the other
   * workers which pacing settings it enforces (see PacingAgreement).
   */
  private async announce(withdraw = false): Promise<void> {
    if (withdraw) await this.agreement.withdraw();
    else await this.agreement.announce(ANNOUNCEMENT_TTL_MS);
    await this.served.announce(this.id, this.options.operations, withdraw);
  }

  /**
   * Stops taking jobs, lets the sends under way finish, then closes. (A plain BullMQ close would
   * also wait out each idle worker's long poll.)
   */
  async close(): Promise<void> {
    clearInterval(this.announcer);
    this.options.connection.off('ready', this.announceAgain);
    await this.announce(true).catch(() => {});
    await Promise.all(this.workers.map((worker) => worker.pause(true)));
    await Promise.allSettled(this.inFlight);
    await Promise.all(this.workers.map((worker) => worker.close(true)));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }

  /** Keeps the promise of every job being processed, so close() can wait for them. */
  private track<T>(processing: Promise<T>): Promise<T> {
    this.inFlight.add(processing);
    const forget = () => this.inFlight.delete(processing);
    processing.then(forget, forget);
    return processing;
  }

  private markerKey(job: CmsJob): string | undefined {
    return getOperation(job.data.operation).idempotent
      ? undefined
      : this.options.keys.sentMarker(job.queueName, job.id!);
  }

  private async process(job: CmsJob, token: string): Promise<JobOutcome> {
    const { operation, priority, attempt, deadline } = job.data;
    const markerKey = this.markerKey(job);
    // Unique per send: a job taken over after its worker died must not overwrite that send's entry.
    const sendId = `${job.queueName}:${job.id}:${attempt}:${randomUUID()}`;
    const slot = new SlotTimer(this.options.pacing.requestTimeoutMs);
    const decision = await this.gate.acquire({
      operation,
      priority,
      sendId,
      jobId: job.id,
      marker: markerKey ? { key: markerKey, attempt, worker: this.id } : undefined,
      deadline,
    });
    // The gate has put the queue to sleep; BullMQ puts the job back at the head of its priority.
    if (decision.status === 'wait') {
      if (decision.stateLost)
        this.options.logger.error(
          { windowMs: this.gate.budget(operation).windowMs },
          'Redis lost its state (restarted without persistence, or flushed): the send logs are gone, so the credential pauses for one window before sending again',
        );
      throw Worker.RateLimitError();
    }
    if (decision.status === 'maybe-sent')
      return this.afterEarlierSend(job, token, decision.marker, decision.nowMs);
    if (decision.status === 'expired')
      return this.fail(
        job,
        this.expired(job),
        { dispatchedAt: null, attempts: attempt - 1 },
        markerKey,
      );
    if (decision.status === 'withdrawn') {
      const cancelled = new CmsError({
        kind: 'cancelled',
        operation,
        message: 'cancelled before it was sent',
      });
      return this.fail(job, cancelled, { dispatchedAt: null, attempts: 0 }, undefined);
    }

    if (!slot.worthSending()) {
      // This process stalled between the grant and now: most of the slot is gone. Give it back.
      await this.gate.release(operation, sendId, markerKey);
      this.options.logger.warn(
        { operation, jobId: job.id, timeLeftMs: slot.timeLeftMs() },
        'a granted slot ran short before the send; asking again',
      );
      return this.sendAgain(job, token, 0);
    }
    const meta: DispatchMeta = {
      dispatchedAt: decision.sentAt,
      queuedMs: Math.max(0, Math.round(decision.sentAt - job.timestamp)),
      attempts: attempt,
    };
    let data: unknown;
    const sentAt = performance.now();
    try {
      data = await this.options.client.call(operation, job.data.input as never, {
        timeoutMs: slot.timeLeftMs(),
      });
    } catch (error) {
      const { missing } = await this.gate.logAnswer(operation, priority, sendId);
      if (missing) this.reportOutlivedSlot(job);
      const cmsError =
        error instanceof CmsError
          ? error
          : new CmsError({ kind: 'network', operation, message: String(error) });
      this.options.hooks?.cmsRequest?.(operation, performance.now() - sentAt, cmsError);
      return this.afterFailedSend(job, token, cmsError, meta, markerKey);
    }
    this.options.hooks?.cmsRequest?.(operation, performance.now() - sentAt);
    return this.recordOutcome(
      job,
      { jobId: job.id!, queue: job.queueName, ok: true, data, meta },
      markerKey,
      sendId,
    );
  }

  private expired(job: CmsJob): CmsError {
    const last = job.data.lastError ? ` (last try: ${job.data.lastError.message})` : '';
    return new CmsError({
      kind: 'expired',
      operation: job.data.operation,
      message: `not sent: its deadline passed while it waited in the queue${last}`,
    });
  }

  private reportOutlivedSlot(job: CmsJob): void {
    this.options.logger.error(
      { operation: job.data.operation, jobId: job.id },
      'a send outlived its slot in the send log; logged again at its answer',
    );
  }

  /** Retries what may succeed later, after its own delay; reports the rest. Every retry goes through the gate again. */
  private async afterFailedSend(
    job: CmsJob,
    token: string,
    error: CmsError,
    meta: DispatchMeta,
    markerKey: string | undefined,
  ): Promise<JobOutcome> {
    const { logger } = this.options;
    const next = afterFailure(error, job.data.attempt, this.retrySettings);
    if (next.pauseCredentialMs !== undefined) {
      // Another app on the key, or a limit changed: every process stays away for as long as asked.
      await this.gate.pause(next.pauseCredentialMs);
      logger.error(
        { operation: error.operation, pauseMs: next.pauseCredentialMs, queue: job.queueName },
        'CMS answered 429: credential paused for all processes',
      );
    }
    if (next.action === 'fail') return this.fail(job, error, meta, markerKey);
    if (
      job.data.deadline !== undefined &&
      meta.dispatchedAt !== null &&
      meta.dispatchedAt + next.delayMs > job.data.deadline
    ) {
      // The retry could not go before the deadline: the caller hears the real reason now.
      return this.fail(job, error, meta, markerKey);
    }
    logger.warn(
      {
        operation: error.operation,
        attempt: job.data.attempt,
        kind: error.kind,
        status: error.status,
        delayMs: Math.round(next.delayMs),
      },
      'CMS call failed; retrying',
    );
    await job.updateData({ ...job.data, attempt: job.data.attempt + 1, lastError: error.toJSON() });
    // A write that may have taken effect keeps its marker: its retry checks before sending.
    if (markerKey && !next.keepMarker) await this.options.connection.del(markerKey);
    return this.sendAgain(job, token, next.delayMs);
  }

  /**
   * Runs the job again: at once (back to the head of its queue), or after `delayMs` on its own
   * (BullMQ's delayed set; the jobs behind it go on meanwhile).
   */
  private async sendAgain(job: CmsJob, token: string, delayMs: number): Promise<never> {
    if (delayMs <= 0) {
      await this.queue(job.queueName).rateLimit(1);
      throw Worker.RateLimitError();
    }
    await job.moveToDelayed(Date.now() + Math.ceil(delayMs), token);
    throw new DelayedError();
  }

  private queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`no queue ${name} in this worker process`);
    return queue;
  }

  private async afterEarlierSend(
    job: CmsJob,
    token: string,
    marker: SentMarker,
    nowMs: number,
  ): Promise<JobOutcome> {
    const markerKey = this.options.keys.sentMarker(job.queueName, job.id!);
    const resolution = await this.earlierSends.resolve(
      {
        id: job.id!,
        operation: job.data.operation,
        input: job.data.input,
        priority: job.data.priority,
      },
      marker,
      nowMs,
    );
    const meta: DispatchMeta = { dispatchedAt: null, attempts: marker.attempt };
    switch (resolution.kind) {
      case 'finished': {
        // Finished already; only BullMQ's bookkeeping was lost. Tell the submitter again.
        const { outcome } = resolution;
        if (outcome.ok) return this.recordOutcome(job, outcome, markerKey);
        return this.fail(job, CmsError.fromJSON(outcome.error), outcome.meta, markerKey);
      }
      case 'applied':
        return this.recordOutcome(
          job,
          {
            jobId: job.id!,
            queue: job.queueName,
            ok: true,
            data: resolution.data,
            meta: { ...meta, verified: true },
          },
          markerKey,
        );
      case 'not-applied':
        // It never took effect: clear the marker and send it (through the gate, as usual).
        await this.options.connection.del(markerKey);
        return this.sendAgain(job, token, 0);
      case 'later':
        return this.sendAgain(job, token, resolution.delayMs);
      case 'uncertain':
        return this.fail(job, resolution.error, meta, markerKey);
    }
  }

  /**
   * One round trip: log the send at its answer (if one was just made), store the outcome in the sent marker
   * (if the job has one), and tell the submitter.
   */
  private async recordOutcome(
    job: CmsJob,
    outcome: JobOutcome,
    markerKey: string | undefined,
    answeredSendId?: string,
  ): Promise<JobOutcome> {
    const transaction = this.options.connection.multi();
    if (answeredSendId)
      this.gate.logAnswerWithin(transaction, job.data.operation, job.data.priority, answeredSendId);
    if (markerKey) {
      const done: SentMarker = {
        attempt: job.data.attempt,
        at: outcome.meta.dispatchedAt ?? 0,
        worker: this.id,
        outcome,
      };
      transaction.set(markerKey, JSON.stringify(done), 'PX', SENT_MARKER_TTL_MS);
    }
    transaction.publish(this.options.keys.results(job.data.submitter), JSON.stringify(outcome));
    const replies = await transaction.exec();
    if (answeredSendId && (replies?.[0]?.[1] as [string, number] | undefined)?.[1] === 1)
      this.reportOutlivedSlot(job);
    return outcome;
  }

  private async fail(
    job: CmsJob,
    error: CmsError,
    meta: DispatchMeta,
    markerKey: string | undefined,
  ): Promise<never> {
    const outcome: JobOutcome = {
      jobId: job.id!,
      queue: job.queueName,
      ok: false,
      error: error.toJSON(),
      meta,
    };
    await this.recordOutcome(job, outcome, markerKey);
    // BullMQ keeps the job as failed; its reason holds the outcome so a submitter can recover it.
    throw new Error(JSON.stringify(outcome));
  }
}
