import { createHash } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { oneAtATime } from './one-at-a-time.js';
import { diffAccount } from './account-diff.js';
import type { AccountSnapshots } from './account-snapshots.js';
import type { AccountChangeEvent, ActionOutcome } from './audit-events.js';
import type { AuditLog } from './audit-log.js';
import type { AccountObservation, Intake } from './observations.js';
import type { RankNames } from './rank-names.js';

/** A re-delivered observation within this long is stored once (the job is kept as long). */
const DEDUP_WINDOW_S = 3600;
const JOB_OPTIONS = {
  removeOnComplete: { age: DEDUP_WINDOW_S },
  removeOnFail: { age: 7 * 24 * 3600 },
  attempts: 20,
  backoff: { type: 'exponential', delay: 1_000 },
};

/** Which of KEYS exist, one 0 or 1 each: one command for a whole batch. */
const EXISTING_KEYS = [
  'local found = {}',
  "for i, key in ipairs(KEYS) do found[i] = redis.call('EXISTS', key) end",
  'return found',
].join('\n');

interface UnstoredObservation {
  observation: AccountObservation;
  jobId: string;
  resolve: (outcome: 'stored' | 'duplicate') => void;
  reject: (error: unknown) => void;
}

export interface AuditIntakeOptions {
  /** A connection for BullMQ (maxRetriesPerRequest: null). */
  connection: Redis;
  namespace: string;
  snapshots: AccountSnapshots;
  audit: AuditLog;
  /** The community's rank and department names (cached: never a CMS call per event). */
  rankNames: () => Promise<RankNames>;
  /** Ban or kick sync (off by default): mirrors a CMS ban or kick in Discord. */
  syncToDiscord?: (kind: 'banned' | 'kicked', discordId: string) => Promise<ActionOutcome | null>;
  logger: Logger;
}

/**
 * The audit pipeline's intake: observations from the push receiver and the reconciler are
 * stored durably (BullMQ in Redis) and processed one at a time, in order: each is compared with
 * the account's last snapshot, a change becomes one audit notice, and the snapshot moves on.
 * Whichever source sees a change first posts it; the other then finds nothing new.
 */
export class AuditIntake implements Intake {
  private readonly queue: Queue<AccountObservation>;
  private worker: Worker<AccountObservation> | undefined;
  private stopOneAtATime = () => {};
  /** Accepted, waiting for the next write (see storeUnstored). */
  private unstored: UnstoredObservation[] = [];

  constructor(private readonly options: AuditIntakeOptions) {
    this.queue = new Queue<AccountObservation>('cms-intake', {
      connection: options.connection,
      prefix: options.namespace,
      streams: { events: { maxLen: 100 } },
    });
  }

  accept(observation: AccountObservation, dedupKey: string): Promise<'stored' | 'duplicate'> {
    // BullMQ ids may not contain ':'; a digest keeps them short and distinct.
    const jobId = `obs.${createHash('sha256').update(dedupKey).digest('hex').slice(0, 32)}`;
    return new Promise((resolve, reject) => {
      // Group commit: what arrives in one turn of the event loop is stored in one round trip.
      if (this.unstored.length === 0) setImmediate(() => void this.storeUnstored());
      this.unstored.push({ observation, jobId, resolve, reject });
    });
  }

  /**
   * Stores the observations accepted since the last call, in order, and only then answers their
   * callers. Adding an id that exists is a no-op in BullMQ, so a re-delivered observation (even
   * two racing) is stored once; the check for it goes out first, on the same connection.
   */
  private async storeUnstored(): Promise<void> {
    const batch = this.unstored;
    this.unstored = [];
    const keys = batch.map(({ jobId }) => this.queue.toKey(jobId));
    try {
      const [existing] = await Promise.all([
        this.options.connection.eval(EXISTING_KEYS, keys.length, ...keys) as Promise<number[]>,
        this.queue.addBulk(
          batch.map(({ observation, jobId }) => ({
            name: observation.kind,
            data: observation,
            opts: { jobId, ...JOB_OPTIONS },
          })),
        ),
      ]);
      batch.forEach((item, i) => item.resolve(existing[i] === 1 ? 'duplicate' : 'stored'));
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  /** Observations waiting to be processed. */
  waiting(): Promise<number> {
    return this.queue.getWaitingCount();
  }

  async start(): Promise<void> {
    this.stopOneAtATime = await oneAtATime(
      this.queue,
      this.options.connection,
      this.options.logger,
    );
    this.worker = new Worker<AccountObservation>(this.queue.name, (job) => this.process(job), {
      connection: this.options.connection,
      prefix: this.options.namespace,
      concurrency: 1,
      maxStalledCount: Number.MAX_SAFE_INTEGER,
    });
    this.worker.on('error', (error) =>
      this.options.logger.warn({ err: error }, 'audit intake worker error'),
    );
    this.worker.on('failed', (job, error) =>
      this.options.logger.error(
        { err: error, observation: job?.id },
        'an observation could not be processed; it is retried',
      ),
    );
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    this.stopOneAtATime();
    await this.worker?.close();
    await this.queue.close();
  }

  /**
   * The notice first, then the snapshot: a process that dies in between runs the job again,
   * finds the same change, and records the same notice id, which the audit log posts once.
   */
  private async process(job: Job<AccountObservation>): Promise<void> {
    const { snapshots, audit } = this.options;
    const observation = job.data;
    const accId = observation.kind === 'state' ? observation.account.accId : observation.accId;
    const previous = await snapshots.get(accId);
    // Observations are processed in the order they were stored, not the order the CMS was read:
    // a reconciliation read that left before a push event arrived may show the state before it,
    // and would undo it (then the next pass would redo it). The next pass reads afresh. A push
    // event is never set aside: it is stored as it arrives, and another host's clock running
    // ahead must not cost a real change.
    if (
      observation.source === 'reconciliation' &&
      previous?.seenAt !== undefined &&
      observation.at < previous.seenAt
    ) {
      this.options.logger.debug(
        { observation: job.id, accId },
        'an observation older than the snapshot is set aside',
      );
      return;
    }
    const { change, next } = diffAccount(previous, observation, await this.options.rankNames());
    const quiet = observation.kind === 'state' && observation.recordOnly === true;
    if (change && !quiet) {
      const own =
        (change.kind === 'banned' || change.kind === 'kicked') &&
        (await snapshots.consumeExpectation(accId, change.kind));
      if (!own) {
        const event: AccountChangeEvent = {
          type: 'account-change',
          id: `${job.id}`,
          at: observation.at,
          change: change.kind,
          source: observation.source,
          account: { accId, name: next.name, discordId: next.discordId },
          details: change.details,
          firstSighting: change.firstSighting,
        };
        if (
          (change.kind === 'banned' || change.kind === 'kicked') &&
          next.discordId &&
          this.options.syncToDiscord
        ) {
          const synced = await this.options.syncToDiscord(change.kind, next.discordId);
          if (synced) event.discordSync = synced;
        }
        await audit.record(event);
      }
    }
    await snapshots.set({ ...next, seenAt: Math.max(observation.at, previous?.seenAt ?? 0) });
  }
}
