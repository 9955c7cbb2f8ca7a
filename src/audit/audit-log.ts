import { Queue, Worker, type Job } from 'bullmq';
import type { Client } from 'discord.js';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { AuditEvent } from './audit-events.js';
import { auditMessage } from './audit-embeds.js';

export interface AuditLogOptions {
  /** A connection for BullMQ (maxRetriesPerRequest: null). */
  connection: Redis;
  /** The credential's key prefix (QueueKeys.namespace). */
  namespace: string;
  channelId: string;
  logger: Logger;
}

/** Kept long enough to tell a re-recorded event (the same id) from a new one. */
const KEEP_DELIVERED = { age: 7 * 24 * 3600, count: 10_000 };
/** Discord down: try again soon, then every minute, for days; never give an event up. */
const DELIVERY_ATTEMPTS = 10_000;
const RETRY_DELAY_MS = 60_000;

/**
 * The audit channel's durable queue (BullMQ in Redis): an event is stored before the caller
 * goes on, and a worker posts it to the channel, in order, retrying while Discord or the
 * channel is unavailable. A Discord outage delays a notice; it never loses one.
 */
export class AuditLog {
  private readonly queue: Queue<AuditEvent>;
  private worker: Worker<AuditEvent> | undefined;
  private failing = false;

  constructor(private readonly options: AuditLogOptions) {
    this.queue = new Queue<AuditEvent>('audit', {
      connection: options.connection,
      prefix: options.namespace,
      streams: { events: { maxLen: 100 } },
    });
  }

  /** Stores the event for delivery; an event already recorded (same id) is not stored twice. */
  async record(event: AuditEvent): Promise<void> {
    await this.queue.add(event.type, event, {
      jobId: event.id,
      attempts: DELIVERY_ATTEMPTS,
      backoff: { type: 'fixed', delay: RETRY_DELAY_MS },
      removeOnComplete: KEEP_DELIVERED,
      removeOnFail: KEEP_DELIVERED,
    });
  }

  /** Starts delivering to the channel through this client (one delivery at a time: in order). */
  async start(client: Client): Promise<void> {
    await this.queue.setGlobalConcurrency(1);
    this.worker = new Worker<AuditEvent>('audit', (job) => this.deliver(client, job), {
      connection: this.options.connection,
      prefix: this.options.namespace,
      concurrency: 1,
    });
    this.worker.on('error', (error) =>
      this.options.logger.warn({ err: error }, 'audit worker error'),
    );
    await this.worker.waitUntilReady();
  }

  private async deliver(client: Client, job: Job<AuditEvent>): Promise<void> {
    try {
      const channel = await client.channels.fetch(this.options.channelId);
      if (!channel?.isSendable())
        throw new Error(`the audit channel ${this.options.channelId} cannot be posted to`);
      await channel.send(auditMessage(job.data));
      if (this.failing) this.options.logger.info('audit notices are being delivered again');
      this.failing = false;
    } catch (error) {
      // One line per outage, not one per event.
      if (!this.failing)
        this.options.logger.error(
          { err: error },
          'audit notices cannot be delivered; they wait in Redis and are retried',
        );
      this.failing = true;
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
