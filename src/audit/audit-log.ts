import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import {
  DiscordAPIError,
  RESTJSONErrorCodes,
  type Client,
  type SendableChannels,
} from 'discord.js';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { auditMessage } from './audit-embeds.js';
import type { AuditEvent } from './audit-events.js';
import { PostedMessages, type PostedMessage } from './posted-messages.js';

export interface AuditLogOptions {
  /** A connection for BullMQ (maxRetriesPerRequest: null). */
  connection: Redis;
  /** The credential's key prefix (QueueKeys.namespace). */
  namespace: string;
  channelId: string;
  logger: Logger;
  /** The wait after a failed delivery; it doubles with each failure in a row, up to `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** Jobs are kept this long, so recording an event again (the same id) adds nothing. */
const KEEP_JOBS = { age: 7 * 24 * 3600, count: 10_000 };
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 60_000;
/** BullMQ honours `queue.rateLimit()` only for workers with a limiter; this one never trips by itself. */
const MANUAL_RATE_LIMIT_ONLY = { max: Number.MAX_SAFE_INTEGER, duration: 1_000 };
/** Refusals that mean the channel is unavailable (gone, hidden, not allowed): wait for a fix. */
const CHANNEL_UNAVAILABLE = new Set<number | string>([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
]);

/**
 * The audit channel's durable queue (BullMQ in Redis): an event is stored before the caller
 * goes on, and one worker at a time (across processes) posts it, in order. When Discord or the
 * channel is unavailable, the event stays at the head of the queue and the queue sleeps, longer
 * after each failure: notices are delayed, never lost or reordered, and the outage is logged
 * once. An event recorded again (same id) is posted once; a newer version of a subject (a case
 * whose retry finished) edits the message that shows it.
 */
export class AuditLog {
  private readonly queue: Queue<AuditEvent>;
  private readonly posted: PostedMessages;
  private worker: Worker<AuditEvent> | undefined;
  /** Failed deliveries in a row: one log line when an outage starts, and the next wait. */
  private failuresInARow = 0;

  constructor(private readonly options: AuditLogOptions) {
    this.queue = new Queue<AuditEvent>('audit', {
      connection: options.connection,
      prefix: options.namespace,
      streams: { events: { maxLen: 100 } },
    });
    this.posted = new PostedMessages(options.connection, options.namespace);
  }

  /** Stores the event for delivery; an event already recorded (same id) is not stored twice. */
  async record(event: AuditEvent): Promise<void> {
    await this.queue.add(event.type, event, {
      // BullMQ ids may not contain ':' nor be integers; encoding keeps distinct ids distinct.
      jobId: `audit.${encodeURIComponent(event.id)}`,
      removeOnComplete: KEEP_JOBS,
      removeOnFail: KEEP_JOBS,
    });
  }

  /** Starts delivering to the channel through this client (one delivery at a time: in order). */
  async start(client: Client): Promise<void> {
    await this.queue.setGlobalConcurrency(1);
    this.worker = new Worker<AuditEvent>('audit', (job) => this.deliver(client, job), {
      connection: this.options.connection,
      prefix: this.options.namespace,
      concurrency: 1,
      limiter: MANUAL_RATE_LIMIT_ONLY,
      // A bot restarted mid-delivery puts the event back; it is never given up for that.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
    });
    this.worker.on('error', (error) =>
      this.options.logger.warn({ err: error }, 'audit worker error'),
    );
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }

  private async deliver(client: Client, job: Job<AuditEvent>): Promise<void> {
    const event = job.data;
    if (await this.posted.delivered(event.id)) return;
    try {
      const shown = await this.show(client, event);
      await this.posted.remember(event.id, event.subject, shown);
    } catch (error) {
      if (undeliverable(error)) {
        // Discord refuses this notice itself (a bug of ours): waiting would block the others.
        this.options.logger.error(
          { err: error, event: event.id },
          'Discord refused an audit notice; it is dropped',
        );
        throw new UnrecoverableError('Discord refused the notice');
      }
      if (this.failuresInARow === 0)
        this.options.logger.error(
          { err: error },
          'audit notices cannot be delivered; they wait in Redis, in order, and are retried',
        );
      const waitMs = Math.min(
        (this.options.retryBaseMs ?? RETRY_BASE_MS) * 2 ** this.failuresInARow,
        this.options.retryMaxMs ?? RETRY_MAX_MS,
      );
      this.failuresInARow += 1;
      // The queue sleeps and the event stays at its head: nothing behind it overtakes it.
      await this.queue.rateLimit(waitMs);
      throw Worker.RateLimitError();
    }
    if (this.failuresInARow > 0)
      this.options.logger.info(
        { failedAttempts: this.failuresInARow },
        'audit notices are being delivered again',
      );
    this.failuresInARow = 0;
  }

  /** Posts the event, or edits its subject's message; null when a newer version already shows. */
  private async show(client: Client, event: AuditEvent): Promise<PostedMessage | null> {
    const revision = event.revision ?? 0;
    const shown = event.subject ? await this.posted.forSubject(event.subject) : null;
    if (shown && shown.revision >= revision) return null;
    const channel = await this.channelFor(client, event);
    const message = auditMessage(event);
    if (shown?.channelId === channel.id) {
      try {
        await channel.messages.edit(shown.messageId, message);
        return { ...shown, revision };
      } catch (error) {
        // Someone deleted the message: post the new version instead.
        if (!(error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMessage))
          throw error;
      }
    }
    const sent = await channel.send(message);
    return { channelId: channel.id, messageId: sent.id, revision };
  }

  /** One channel for every kind today; per-kind channels would be chosen here. */
  private async channelFor(client: Client, _event: AuditEvent): Promise<SendableChannels> {
    const channel = await client.channels.fetch(this.options.channelId);
    if (!channel?.isSendable())
      throw new Error(`the audit channel ${this.options.channelId} cannot be posted to`);
    return channel;
  }
}

/** A refusal of the notice itself (4xx, not about the channel): sending it again cannot work. */
function undeliverable(error: unknown): boolean {
  return (
    error instanceof DiscordAPIError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 429 &&
    !CHANNEL_UNAVAILABLE.has(error.code)
  );
}
