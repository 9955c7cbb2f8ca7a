import { Queue, Worker, type Job } from 'bullmq';
import type { Client, Guild } from 'discord.js';
import type { Redis } from 'ioredis';
import type { AuditLog } from '../audit/audit-log.js';
import type { CmsService } from '../cms/service/index.js';
import type { Logger } from '../logger.js';
import { caseEvent, type CaseStore } from './case-store.js';
import { applyInCms } from './cms-half.js';
import { applyInDiscord } from './discord-half.js';
import type { Half, HalfResult } from './staff-action.js';

export interface RetryJob {
  guildId: string;
  caseNumber: number;
  half: Half;
}

export interface StaffActionRetriesOptions {
  /** A connection for BullMQ (maxRetriesPerRequest: null). */
  connection: Redis;
  namespace: string;
  logger: Logger;
  cases: CaseStore;
  audit: AuditLog;
  cms: CmsService;
  /** The first wait; it doubles with each attempt, up to five minutes. */
  retryBaseMs: number;
}

const QUEUE = 'staff-action-retries';
/** About two hours of attempts at the production base (1 s, doubling, capped at 5 minutes). */
const MAX_ATTEMPTS = 30;
const MAX_WAIT_MS = 5 * 60_000;
const KEEP_JOBS = { age: 7 * 24 * 3600, count: 10_000 };

/**
 * Durable retries of the half of a staff action that failed (BullMQ in Redis, so a restart
 * loses none). One job per (case, half): scheduling it again adds nothing, and a job finding
 * its half already settled does nothing, so no half is applied twice. Each attempt's CMS call
 * goes at background priority with no deadline. When a retry settles, the case's audit
 * message is edited with the new outcome.
 */
export class StaffActionRetries {
  private readonly queue: Queue<RetryJob>;
  private worker: Worker<RetryJob> | undefined;

  constructor(private readonly options: StaffActionRetriesOptions) {
    this.queue = new Queue<RetryJob>(QUEUE, {
      connection: options.connection,
      prefix: options.namespace,
      streams: { events: { maxLen: 100 } },
    });
  }

  async schedule(job: RetryJob): Promise<void> {
    await this.queue.add(job.half, job, {
      jobId: `retry.${job.guildId}.${job.caseNumber}.${job.half}`,
      delay: this.options.retryBaseMs,
      attempts: MAX_ATTEMPTS,
      backoff: { type: 'doubling' },
      removeOnComplete: KEEP_JOBS,
      removeOnFail: KEEP_JOBS,
    });
  }

  async start(client: Client): Promise<void> {
    const base = this.options.retryBaseMs;
    this.worker = new Worker<RetryJob>(QUEUE, (job) => this.retry(client, job), {
      connection: this.options.connection,
      prefix: this.options.namespace,
      concurrency: 2,
      settings: {
        backoffStrategy: (attemptsMade: number) =>
          Math.min(base * 2 ** Math.max(0, attemptsMade), MAX_WAIT_MS),
      },
    });
    this.worker.on('error', (error) =>
      this.options.logger.warn({ err: error }, 'staff action retry worker error'),
    );
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    // Without waiting for a retry under way (its CMS call may be paced for a while): the job is
    // picked up again after a restart, and a half settled meanwhile is not applied twice.
    await this.worker?.close(true);
    await this.queue.close();
  }

  private async retry(client: Client, job: Job<RetryJob>): Promise<void> {
    const { guildId, caseNumber, half } = job.data;
    const { cases, cms, logger, audit } = this.options;
    const state = await cases.get(guildId, caseNumber);
    // Gone, or settled already (this job ran to the end before a crash): nothing to do.
    if (!state || state[half].status !== 'retrying') return;
    let result: HalfResult;
    try {
      result =
        half === 'discord'
          ? await applyInDiscord(await guildOf(client, guildId), state.staffCase, logger)
          : await applyInCms(
              cms,
              state.staffCase,
              { priority: 'background', deadline: null },
              logger,
            );
    } catch (error) {
      // The halves never throw; this is the guild lookup or Redis: try again later all the same.
      logger.warn({ err: error, case: caseNumber, half }, 'a staff action retry could not run');
      result = { outcome: { status: 'retrying', detail: 'the bot could not try it' }, retry: true };
    }
    let outcome = result.outcome;
    if (result.retry) {
      const attempts = job.opts.attempts ?? 1;
      // BullMQ waits (backoff) and runs the job again.
      if (job.attemptsMade + 1 < attempts) throw new Error(outcome.detail ?? 'retrying');
      outcome = {
        status: 'failed',
        detail: `gave up after ${attempts} retries (${outcome.detail ?? 'no reason given'})`,
      };
    }
    const settled = await cases.settle(guildId, caseNumber, half, outcome);
    if (settled) await audit.record(caseEvent(settled));
    logger.info(
      { case: caseNumber, guild: guildId, half, status: outcome.status },
      'a staff action retry settled',
    );
  }
}

async function guildOf(client: Client, guildId: string): Promise<Guild> {
  return client.guilds.cache.get(guildId) ?? (await client.guilds.fetch(guildId));
}
