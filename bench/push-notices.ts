import type { DiscordEmulator, EmulatedMessage } from '../src/dev/discord-emulator/index.js';
import { seqOfNotice } from './push-plan.js';

/**
 * Watches the audit channel of the Discord emulator as the bot posts to it: the notices of one
 * run (their sequence numbers, in channel order) and the messages that carried them.
 */
export class NoticeWatcher {
  /** Sequence numbers in the order the notices appear in the channel. */
  readonly order: number[] = [];
  private readonly seen = new Set<number>();
  messages = 0;
  lastNoticeAt = 0;
  private waiter: { count: number; resolve: () => void } | null = null;
  private readonly listener = (message: EmulatedMessage, change: string) =>
    this.onMessage(message, change);

  constructor(
    private readonly discord: DiscordEmulator,
    private readonly channelId: string,
    private readonly prefix: string,
  ) {
    discord.on('message', this.listener);
  }

  /** Distinct notices seen. */
  get delivered(): number {
    return this.seen.size;
  }

  /** Resolves once `count` distinct notices have appeared (or rejects after `timeoutMs`). */
  until(count: number, timeoutMs: number): Promise<void> {
    if (this.seen.size >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`${this.seen.size} of ${count} notices delivered within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }

  stop(): void {
    this.discord.off('message', this.listener);
  }

  private onMessage(message: EmulatedMessage, change: string): void {
    if (change !== 'create' || message.channelId !== this.channelId) return;
    let ours = false;
    for (const embed of message.embeds) {
      const field = embed.fields?.find((f) => f.name === 'CMS account');
      const seq = field ? seqOfNotice(field.value, this.prefix) : null;
      if (seq === null) continue;
      ours = true;
      this.order.push(seq);
      this.seen.add(seq);
    }
    if (!ours) return;
    this.messages += 1;
    this.lastNoticeAt = performance.timeOrigin + performance.now();
    if (this.waiter && this.seen.size >= this.waiter.count) this.waiter.resolve();
  }
}

/**
 * Notices that appear before one whose event was accepted before theirs was even sent: an event
 * the sender saw accepted (200) before sending the next must be noticed first. Events in flight
 * together have no order of their own.
 */
export function orderInversions(
  order: number[],
  sentAt: (seq: number) => number,
  acceptedAt: (seq: number) => number,
): number {
  let latestSent = -Infinity;
  let inversions = 0;
  for (const seq of order) {
    if (latestSent > acceptedAt(seq)) inversions += 1;
    latestSent = Math.max(latestSent, sentAt(seq));
  }
  return inversions;
}
