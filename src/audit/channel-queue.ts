import { setTimeout } from 'node:timers/promises';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import {
  DiscordAPIError,
  RESTJSONErrorCodes,
  type Client,
  type SendableChannels,
} from 'discord.js';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { oneAtATime } from './one-at-a-time.js';
import { auditEmbed, auditMessage } from './audit-embeds.js';
import type { AuditEvent } from './audit-events.js';
import { batchable, MESSAGE_LIMITS, takeBatch } from './batching.js';
import { PostedMessages, type PostedMessage } from './posted-messages.js';

export interface ChannelQueueOptions {
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
/**
 * How long a fresh notice may wait for others to share its message (Nagle-style batching: a
 * message goes as soon as it is full); it looks again every step.
 */
const LINGER_MS = 250;
const LINGER_STEP_MS = 25;
/** BullMQ honours `queue.rateLimit()` only for workers with a limiter; this one never trips by itself. */
const MANUAL_RATE_LIMIT_ONLY = { max: Number.MAX_SAFE_INTEGER, duration: 1_000 };
/** Refusals that mean the channel is unavailable (gone, hidden, not allowed): wait for a fix. */
const CHANNEL_UNAVAILABLE = new Set<number | string>([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
]);

/**
 * One audit channel's durable queue (BullMQ in Redis): an event is stored before the caller goes
 * on, and one worker at a time (across processes) posts it, in order, at the channel's own pace.
 * A burst is posted up to ten notices a message. When Discord or the channel is unavailable, the
 * event stays at the head of the queue and the queue sleeps, longer after each failure: notices
 * are delayed, never lost or reordered, and the outage is logged once. An event recorded again
 * (same id) is posted once; a newer version of a subject (a case whose retry finished) edits the
 * message that shows it.
 */
export class ChannelQueue {
  private readonly queue: Queue<AuditEvent>;
  private readonly posted: PostedMessages;
  private worker: Worker<AuditEvent> | undefined;
  private stopOneAtATime = () => {};
  /** Failed deliveries in a row: one log line when an outage starts, and the next wait. */
  private failuresInARow = 0;

  constructor(private readonly options: ChannelQueueOptions) {
    this.queue = new Queue<AuditEvent>(`audit.${options.channelId}`, {
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

  /** Notices waiting for delivery (for the operator's view and the benchmark). */
  waiting(): Promise<number> {
    return this.queue.getWaitingCount();
  }

  /** Starts delivering to the channel through this client (one delivery at a time: in order). */
  async start(client: Client): Promise<void> {
    this.stopOneAtATime = await oneAtATime(
      this.queue,
      this.options.connection,
      this.options.logger,
    );
    this.worker = new Worker<AuditEvent>(this.queue.name, (job) => this.deliver(client, job), {
      connection: this.options.connection,
      prefix: this.options.namespace,
      concurrency: 1,
      limiter: MANUAL_RATE_LIMIT_ONLY,
      // A bot restarted mid-delivery puts the event back; it is never given up for that.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
    });
    this.worker.on('error', (error) =>
      this.options.logger.warn(
        { err: error, channel: this.options.channelId },
        'audit worker error',
      ),
    );
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    this.stopOneAtATime();
    await this.worker?.close();
    await this.queue.close();
  }

  private async deliver(client: Client, job: Job<AuditEvent>): Promise<void> {
    const event = job.data;
    if (await this.posted.delivered(event.id)) return;
    try {
      if (batchable(event)) await this.postBatch(client, event, job.timestamp);
      else await this.posted.remember(event.id, event.subject, await this.show(client, event));
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
          { err: error, channel: this.options.channelId },
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
        { failedAttempts: this.failuresInARow, channel: this.options.channelId },
        'audit notices are being delivered again',
      );
    this.failuresInARow = 0;
  }

  /**
   * Posts the head event with the notices queued right behind it, up to one message's worth
   * (ten embeds, 6000 characters), in order; the ones taken along leave the queue once posted.
   * Only this worker takes jobs from the queue (one active job across processes), so the ones
   * behind stay where they are until then.
   */
  private async postBatch(client: Client, head: AuditEvent, recordedAt: number): Promise<void> {
    let behind = await this.behind();
    let batch = takeBatch(
      head,
      behind.map((job) => job.data),
    );
    // A burst's notices share messages: a fresh head waits a moment for the ones on their way,
    // unless its message is already full or closed by a notice that cannot share it.
    while (
      batch.length === behind.length + 1 &&
      batch.length < MESSAGE_LIMITS.embeds &&
      Date.now() - recordedAt < LINGER_MS
    ) {
      await setTimeout(LINGER_STEP_MS);
      behind = await this.behind();
      batch = takeBatch(
        head,
        behind.map((job) => job.data),
      );
    }
    const channel = await this.channelFor(client);
    const sent = await channel.send({
      embeds: batch.map((event) => auditEmbed(event)),
      allowedMentions: { parse: [] },
    });
    const posted: PostedMessage = { channelId: channel.id, messageId: sent.id, revision: 0 };
    for (const event of batch) await this.posted.remember(event.id, undefined, posted);
    const taken = new Set(batch.slice(1).map((event) => event.id));
    await Promise.all(behind.filter((job) => taken.has(job.data.id)).map((job) => job.remove()));
  }

  /**
   * The notices queued right behind the head, oldest first, up to one message's worth. One
   * delivered already (recorded again after its job left the queue with an earlier message) is
   * dropped here, as the head's own check would drop it.
   */
  private async behind(): Promise<Job<AuditEvent>[]> {
    const jobs = await this.queue.getJobs(['wait'], 0, MESSAGE_LIMITS.embeds - 2, true);
    const delivered = await this.posted.deliveredAmong(jobs.map((job) => job.data.id));
    if (delivered.size === 0) return jobs;
    await Promise.all(jobs.filter((job) => delivered.has(job.data.id)).map((job) => job.remove()));
    return jobs.filter((job) => !delivered.has(job.data.id));
  }

  /** Posts the event, or edits its subject's message; null when a newer version already shows. */
  private async show(client: Client, event: AuditEvent): Promise<PostedMessage | null> {
    const revision = event.revision ?? 0;
    const shown = event.subject ? await this.posted.forSubject(event.subject) : null;
    if (shown && shown.revision >= revision) return null;
    const channel = await this.channelFor(client);
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

  private async channelFor(client: Client): Promise<SendableChannels> {
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
