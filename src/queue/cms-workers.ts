import { randomUUID } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { getOperation, operationNames, type OperationInput, type OperationName, type OperationOutput } from '../cms/catalog/index.js';
import type { CmsClient } from '../cms/client.js';
import { CmsError } from '../cms/errors.js';
import type { PacingSettings } from './budgets.js';
import type { CmsJobData, DispatchMeta, JobOutcome } from './jobs.js';
import { PRIORITIES, type Priority, type QueueKeys } from './keys.js';
import { PacingGate, SENT_MARKER_TTL_MS } from './pacing-gate.js';
import { certainlyNotApplied, type SentMarker } from './sent-marker.js';
import { verifiers, type Verdict } from './verifiers.js';

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
  /** Which operations this process serves; all of the catalog by default. */
  operations?: readonly OperationName[];
  /** How long a job stays claimed without a sign of life before another process takes it over. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/** BullMQ honours `queue.rateLimit()` only for workers that have a limiter; this one never trips by itself. */
const MANUAL_RATE_LIMIT_ONLY = { max: Number.MAX_SAFE_INTEGER, duration: 1_000 };

/** A verifier does not sit out a long wait for budget inside a job; the job comes back later. */
const LONGEST_VERIFY_WAIT_MS = 2_000;

class VerifyLater extends Error {
  constructor(readonly waitMs: number) {
    super(`verification must wait ${waitMs} ms for budget`);
  }
}

/**
 * Runs queued CMS calls: one BullMQ worker per (operation, priority), each queue limited to one
 * active job across all processes so sends leave in FIFO order. Before every send the pacing
 * gate must grant a slot; when it says wait, the job goes back to the head of its queue and the
 * queue sleeps until the slot frees (BullMQ's manual rate limit, timed in Redis).
 */
export class CmsWorkers {
  readonly id = randomUUID();
  private readonly gate: PacingGate;
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: CmsWorkersOptions) {
    this.gate = new PacingGate(options.connection, options.keys, options.pacing);
  }

  async start(): Promise<void> {
    const { connection, keys } = this.options;
    for (const operation of this.options.operations ?? operationNames) {
      for (const priority of PRIORITIES) {
        const name = keys.queueName(operation, priority);
        const queue = new Queue(name, { connection, prefix: keys.bullPrefix });
        await queue.setGlobalConcurrency(1);
        this.queues.set(name, queue);
        const worker = new Worker<CmsJobData, JobOutcome>(name, (job) => this.track(this.process(job)), {
          connection,
          prefix: keys.bullPrefix,
          concurrency: 1,
          limiter: MANUAL_RATE_LIMIT_ONLY,
          // A sleeping queue re-checks its limit every second: a closing worker never keeps
          // the process alive for a whole rate-limit wait.
          maximumRateLimitDelay: 1_000,
          lockDuration: this.options.lockDurationMs ?? 30_000,
          // Spread the stalled-job checks of ~180 workers over time instead of firing together.
          stalledInterval: Math.round((this.options.stalledIntervalMs ?? 30_000) * (0.75 + Math.random() / 2)),
          maxStalledCount: 2,
        });
        worker.on('error', (error) => this.options.logger.error({ err: error, queue: name }, 'CMS worker error'));
        this.workers.push(worker);
      }
    }
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
  }

  /**
   * Stops taking jobs, lets the sends under way finish, then closes. (A plain BullMQ close would
   * also wait out each idle worker's long poll, seconds per queue.)
   */
  async close(): Promise<void> {
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

  private queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`no queue ${name} in this worker process`);
    return queue;
  }

  private markerKey(job: Job<CmsJobData, JobOutcome>): string | undefined {
    return getOperation(job.data.operation).idempotent ? undefined : this.options.keys.sentMarker(job.queueName, job.id!);
  }

  private async process(job: Job<CmsJobData, JobOutcome>): Promise<JobOutcome> {
    const { operation, priority, attempt } = job.data;
    const markerKey = this.markerKey(job);
    const marker: SentMarker = { attempt, at: Date.now(), worker: this.id };
    // Unique per send: a job taken over after its worker died must not overwrite that send's entry.
    const sendId = `${job.queueName}:${job.id}:${attempt}:${randomUUID()}`;

    const decision = await this.gate.acquire({ operation, priority, sendId, jobId: job.id, markerKey, marker: JSON.stringify(marker) });
    if (decision.status === 'wait') return this.comeBackIn(job, decision.waitMs);
    if (decision.status === 'maybe-sent') return this.resolveEarlierSend(job, JSON.parse(decision.marker) as SentMarker);

    // BullMQ stamps a job with the submitter's clock; hosts sharing a Redis keep clocks in sync.
    const meta: DispatchMeta = { dispatchedAt: decision.sentAt, queuedMs: Math.max(0, Math.round(decision.sentAt - job.timestamp)), attempts: attempt };
    let data: unknown;
    try {
      data = await this.options.client.call(operation, job.data.input as never);
    } catch (error) {
      await this.gate.settle(operation, sendId);
      const cmsError = error instanceof CmsError ? error : new CmsError({ kind: 'network', operation, message: String(error) });
      return this.afterFailedSend(job, cmsError, meta, markerKey);
    }
    return this.finish(job, { jobId: job.id!, queue: job.queueName, ok: true, data, meta }, markerKey, sendId);
  }

  /** Retries what may succeed later; reports the rest. Every retry goes through the gate again. */
  private async afterFailedSend(job: Job<CmsJobData, JobOutcome>, error: CmsError, meta: DispatchMeta, markerKey: string | undefined): Promise<JobOutcome> {
    const { logger, maxAttempts, retryBaseMs, pacing } = this.options;
    // A write that may have taken effect keeps its marker: its retry checks before sending.
    const clearMarker = markerKey !== undefined && certainlyNotApplied(error) ? markerKey : undefined;
    if (error.kind === 'rate-limited') {
      // Another app on the key, or a limit changed: stop every process for as long as asked.
      const pauseMs = error.retryAfterMs ?? pacing.windowMs;
      await this.gate.pause(pauseMs);
      logger.error({ operation: error.operation, retryAfterMs: pauseMs, queue: job.queueName }, 'CMS answered 429: credential paused for all processes');
      return this.retryOrFail(job, error, meta, pauseMs, clearMarker);
    }
    if (!error.transient || job.data.attempt >= maxAttempts) return this.fail(job, error, meta, markerKey);
    const backoffMs = retryBaseMs * 2 ** (job.data.attempt - 1) * (0.8 + Math.random() * 0.4);
    logger.warn({ operation: error.operation, attempt: job.data.attempt, kind: error.kind, status: error.status, backoffMs: Math.round(backoffMs) }, 'CMS call failed; retrying');
    return this.retryOrFail(job, error, meta, backoffMs, clearMarker);
  }

  private async retryOrFail(job: Job<CmsJobData, JobOutcome>, error: CmsError, meta: DispatchMeta, delayMs: number, clearMarkerKey: string | undefined): Promise<JobOutcome> {
    if (job.data.attempt >= this.options.maxAttempts) return this.fail(job, error, meta, this.markerKey(job));
    await job.updateData({ ...job.data, attempt: job.data.attempt + 1, lastError: error.toJSON() });
    if (clearMarkerKey) await this.options.connection.del(clearMarkerKey);
    return this.comeBackIn(job, delayMs);
  }

  /** Back to the head of the queue; the whole queue waits, so FIFO order holds. */
  private async comeBackIn(job: Job<CmsJobData, JobOutcome>, delayMs: number): Promise<never> {
    await this.queue(job.queueName).rateLimit(Math.max(1, Math.ceil(delayMs)));
    throw Worker.RateLimitError();
  }

  /**
   * An earlier send of this job left its marker. If the job had finished, hand back the stored
   * outcome. Otherwise the send may have reached the CMS (its worker died, or it timed out):
   * give it time to land, then verify by reading the CMS where a verifier exists, else report it.
   */
  private async resolveEarlierSend(job: Job<CmsJobData, JobOutcome>, marker: SentMarker): Promise<JobOutcome> {
    const { operation, input } = job.data;
    const markerKey = this.options.keys.sentMarker(job.queueName, job.id!);
    if (marker.outcome) {
      // Finished already; only BullMQ's bookkeeping was lost. Tell the submitter again.
      if (marker.outcome.ok) return this.finish(job, marker.outcome, markerKey);
      return this.fail(job, CmsError.fromJSON(marker.outcome.error), marker.outcome.meta, markerKey);
    }
    // A request that timed out may still be on its way: wait until it cannot be.
    const settledAt = marker.at + 2 * this.options.pacing.requestTimeoutMs;
    if (Date.now() < settledAt) return this.comeBackIn(job, settledAt - Date.now());

    const meta: DispatchMeta = { dispatchedAt: null, attempts: marker.attempt };
    const verify = verifiers[operation];
    this.options.logger.warn({ operation, jobId: job.id, sentAt: marker.at, verifiable: Boolean(verify) }, 'a send of this job may have reached the CMS');
    if (verify) {
      let verdict: Verdict | undefined;
      try {
        verdict = await verify(input, { call: (name, callInput) => this.callWithinBudget(name, callInput, job.data.priority), sentAt: marker.at });
      } catch (error) {
        if (error instanceof VerifyLater) return this.comeBackIn(job, error.waitMs);
        this.options.logger.warn({ err: error, operation }, 'could not verify the earlier send');
      }
      if (verdict?.applied) return this.finish(job, { jobId: job.id!, queue: job.queueName, ok: true, data: verdict.data, meta: { ...meta, verified: true } }, markerKey);
      if (verdict && !verdict.applied) {
        // It never took effect: clear the marker and send it (through the gate, as usual).
        await this.options.connection.del(markerKey);
        return this.comeBackIn(job, 1);
      }
    }
    const error = new CmsError({
      kind: 'uncertain',
      operation,
      message: `an earlier send (at ${new Date(marker.at).toISOString()}) may have reached the CMS and its outcome is unknown; not sent again, check the CMS`,
    });
    return this.fail(job, error, meta, markerKey);
  }

  /** A CMS read for a verifier, within the operation's budget; a long wait defers the whole job. */
  private async callWithinBudget<N extends OperationName>(name: N, input: OperationInput<N>, priority: Priority): Promise<OperationOutput<N>> {
    const sendId = `verify:${randomUUID()}`;
    for (;;) {
      const decision = await this.gate.acquire({ operation: name, priority, sendId });
      if (decision.status === 'granted') {
        try {
          return await this.options.client.call(name, input);
        } finally {
          await this.gate.settle(name, sendId);
        }
      }
      const waitMs = decision.status === 'wait' ? decision.waitMs : 10;
      if (waitMs > LONGEST_VERIFY_WAIT_MS) throw new VerifyLater(waitMs);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  /**
   * One round trip: settle the send (if one was just made), store the outcome in the sent marker
   * (if the job has one), and tell the submitter.
   */
  private async finish(job: Job<CmsJobData, JobOutcome>, outcome: JobOutcome, markerKey: string | undefined, settleSendId?: string): Promise<JobOutcome> {
    const transaction = this.options.connection.multi();
    if (settleSendId) this.gate.settleWithin(transaction, job.data.operation, settleSendId);
    if (markerKey) {
      const done: SentMarker = { attempt: job.data.attempt, at: Date.now(), worker: this.id, outcome };
      transaction.set(markerKey, JSON.stringify(done), 'PX', SENT_MARKER_TTL_MS);
    }
    transaction.publish(this.options.keys.results(job.data.submitter), JSON.stringify(outcome));
    await transaction.exec();
    return outcome;
  }

  private async fail(job: Job<CmsJobData, JobOutcome>, error: CmsError, meta: DispatchMeta, markerKey: string | undefined): Promise<never> {
    const outcome: JobOutcome = { jobId: job.id!, queue: job.queueName, ok: false, error: error.toJSON(), meta };
    await this.finish(job, outcome, markerKey);
    // BullMQ keeps the job as failed; its reason holds the outcome so a submitter can recover it.
    throw new Error(JSON.stringify(outcome));
  }
}
