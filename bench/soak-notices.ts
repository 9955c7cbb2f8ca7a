import type { DiscordEmulator, EmulatedMessage } from '../src/dev/discord-emulator/index.js';
import { seqOfNotice } from './push-plan.js';

/**
 * bench:soak's account of the notices: every one the load should cause is expected under a key,
 * every one the bot posts (a message created in a watched channel, one notice an embed) is
 * counted under the key it shows. Lost: expected and never seen. Duplicated: seen more than once.
 */

/** Where an expected notice comes from. */
export type NoticeKind = 'push' | 'change' | 'case' | 'shift';
const KINDS: NoticeKind[] = ['push', 'change', 'case', 'shift'];

/** The account ids of the soak's push events: `soak-0000042`. */
export const PUSH_PREFIX = 'soak';

type Embed = EmulatedMessage['embeds'][number];

/** A shift line's key: whose shift, when it started (whole seconds, as the line shows it), in or out. */
export function shiftKey(userId: string, startedAtSeconds: number, end: 'in' | 'out'): string {
  return `shift:${userId}:${startedAtSeconds}:${end}`;
}

/** The key a notice is known by, from what it shows. */
export function noticeKey(embed: Embed): string {
  const title = embed.title ?? '';
  const caseNumber = /^Case #(\d+):/.exec(title)?.[1];
  if (caseNumber) return `case:${caseNumber}`;
  const account = embed.fields?.find((f) => f.name === 'CMS account')?.value ?? '';
  const seq = seqOfNotice(account, PUSH_PREFIX);
  if (seq !== null) return `push:${seq}`;
  const changed = embed.fields?.find((f) => f.name === 'What changed')?.value ?? '';
  const renamedTo = /^• name .* -> (.+)$/m.exec(changed)?.[1];
  if (renamedTo) return `change:${renamedTo}`;
  const shift = /^<@(\d+)>.* clocked (in|out): .*?<t:(\d+):t>/.exec(embed.description ?? '');
  if (shift) return shiftKey(shift[1]!, Number(shift[3]), shift[2] as 'in' | 'out');
  return `other: ${title} ${account} ${changed.replace(/\n/g, ' ')}`.trim();
}

export interface NoticeFigures {
  expected: number;
  /** Expected notices seen at least once. */
  delivered: number;
  lost: number;
  /** Posts of a notice beyond those expected (beyond the first for one not expected). */
  duplicates: number;
  byKind: Record<NoticeKind, { expected: number; delivered: number }>;
  /** Account renames by where the bot saw them first (the notice's footer). */
  changesBy: { push: number; reconciliation: number };
  /** Seen, never expected: their keys, for the report. */
  unexpected: string[];
  /** Expected, never seen: their keys, for the report. */
  lostKeys: string[];
  /** Seen more than once: their keys with how many times, for the report. */
  duplicateKeys: string[];
  messages: number;
}

export class NoticeLedger {
  /** How many of each notice are due: two shifts can start in the same second. */
  private readonly expected = new Map<string, { kind: NoticeKind; count: number }>();
  private readonly seen = new Map<string, number>();
  private readonly changesBy = { push: 0, reconciliation: 0 };
  private messages = 0;
  private waiter: (() => void) | null = null;
  private readonly listener = (message: EmulatedMessage, change: string) =>
    this.onMessage(message, change);

  constructor(
    private readonly discord: DiscordEmulator,
    private readonly channelIds: string[],
  ) {
    discord.on('message', this.listener);
  }

  expect(key: string, kind: NoticeKind): void {
    const due = this.expected.get(key);
    if (due) due.count += 1;
    else this.expected.set(key, { kind, count: 1 });
    this.wakeIfComplete();
  }

  hasSeen(key: string): boolean {
    return this.seen.has(key);
  }

  /** Expected notices not seen yet. */
  missing(): number {
    let missing = 0;
    for (const [key, due] of this.expected)
      missing += Math.max(0, due.count - (this.seen.get(key) ?? 0));
    return missing;
  }

  /** Resolves true once every expected notice has been seen, or false after `timeoutMs`. */
  until(timeoutMs: number): Promise<boolean> {
    if (this.missing() === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(false);
      }, timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        this.waiter = null;
        resolve(true);
      };
    });
  }

  stop(): void {
    this.discord.off('message', this.listener);
  }

  figures(): NoticeFigures {
    const byKind = Object.fromEntries(
      KINDS.map((kind) => [kind, { expected: 0, delivered: 0 }]),
    ) as NoticeFigures['byKind'];
    const lostKeys: string[] = [];
    let expected = 0;
    let delivered = 0;
    for (const [key, due] of this.expected) {
      const seen = Math.min(due.count, this.seen.get(key) ?? 0);
      expected += due.count;
      delivered += seen;
      byKind[due.kind].expected += due.count;
      byKind[due.kind].delivered += seen;
      if (seen < due.count) lostKeys.push(due.count > 1 ? `${key} (${seen} of ${due.count})` : key);
    }
    let duplicates = 0;
    const unexpected: string[] = [];
    const duplicateKeys: string[] = [];
    for (const [key, count] of this.seen) {
      const due = this.expected.get(key)?.count ?? 0;
      const extra = count - Math.max(1, due);
      if (extra > 0) {
        duplicates += extra;
        duplicateKeys.push(`${key} (×${count}, expected ${due})`);
      }
      if (due === 0) unexpected.push(key);
    }
    return {
      expected,
      delivered,
      lost: expected - delivered,
      duplicates,
      byKind,
      changesBy: { ...this.changesBy },
      unexpected,
      lostKeys,
      duplicateKeys,
      messages: this.messages,
    };
  }

  private onMessage(message: EmulatedMessage, change: string): void {
    if (change !== 'create' || !this.channelIds.includes(message.channelId)) return;
    this.messages += 1;
    for (const embed of message.embeds) {
      const key = noticeKey(embed);
      this.seen.set(key, (this.seen.get(key) ?? 0) + 1);
      if (key.startsWith('change:') && this.seen.get(key) === 1) {
        const footer = embed.footer?.text ?? '';
        if (/push event/.test(footer)) this.changesBy.push += 1;
        else if (/reconciliation/.test(footer)) this.changesBy.reconciliation += 1;
      }
    }
    this.wakeIfComplete();
  }

  private wakeIfComplete(): void {
    if (this.waiter && this.missing() === 0) this.waiter();
  }
}
