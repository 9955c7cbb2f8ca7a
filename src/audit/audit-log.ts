import type { Client } from 'discord.js';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { AuditEvent } from './audit-events.js';
import { ChannelQueue } from './channel-queue.js';

/** Where each kind of notice goes; unset channels fall back to `audit`. */
export interface AuditChannels {
  /** AUDIT_CHANNEL_ID: everything without a channel of its own. */
  audit: string;
  /** Bans, kicks and staff cases (a moderation log), when set. */
  moderation?: string | null;
  /** Other account changes (ranks, names, status), when set. */
  updates?: string | null;
  /** The shift log (clock-ins and clock-outs); without it no shift lines are posted. */
  shifts?: string | null;
}

export interface AuditLogOptions {
  /** A connection for BullMQ (maxRetriesPerRequest: null). */
  connection: Redis;
  /** The credential's key prefix (QueueKeys.namespace). */
  namespace: string;
  channels: AuditChannels;
  logger: Logger;
  /** The wait after a failed delivery; it doubles with each failure in a row. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/**
 * The audit channels: each notice goes to its kind's channel, through that channel's durable
 * queue (see ChannelQueue), so each channel keeps its own order and pace and an outage of one
 * never holds up another.
 */
export class AuditLog {
  private readonly queues = new Map<string, ChannelQueue>();

  constructor(private readonly options: AuditLogOptions) {
    const { audit, moderation, updates, shifts } = options.channels;
    for (const channelId of new Set([audit, moderation, updates, shifts])) {
      if (channelId) this.queues.set(channelId, new ChannelQueue({ ...options, channelId }));
    }
  }

  /** The channel a notice goes to, or null when its kind is not posted (no shift log set). */
  channelOf(event: AuditEvent): string | null {
    const { audit, moderation, updates, shifts } = this.options.channels;
    switch (event.type) {
      case 'staff-action':
        return moderation ?? audit;
      case 'account-change':
        return event.change === 'banned' || event.change === 'kicked'
          ? (moderation ?? audit)
          : (updates ?? audit);
      case 'shift':
        return shifts ?? null;
    }
  }

  /** Stores the event for delivery (before answering); an event already recorded (same id) is not stored twice. */
  async record(event: AuditEvent): Promise<void> {
    const channelId = this.channelOf(event);
    if (channelId) await this.queues.get(channelId)!.record(event);
  }

  /** Notices waiting for delivery, all channels together. */
  async waiting(): Promise<number> {
    const counts = await Promise.all([...this.queues.values()].map((queue) => queue.waiting()));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /** Starts delivering, every channel through this client. */
  async start(client: Client): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.start(client)));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
