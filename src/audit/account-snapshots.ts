import type { Redis } from 'ioredis';
import type { AccountSnapshot } from './account-diff.js';

/** How long the bot's own ban or kick waits for the CMS's echo (push or reconciliation). */
const EXPECTATION_TTL_MS = 24 * 60 * 60_000;

/**
 * What the audit pipeline knows of each CMS account (the last snapshot, one Redis hash for all),
 * and the bans and kicks the bot made itself: the CMS's echo of those is not a second notice.
 */
export class AccountSnapshots {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {}

  private get key(): string {
    return `${this.namespace}:audit:accounts`;
  }

  private expectationKey(accId: string, kind: 'banned' | 'kicked'): string {
    return `${this.namespace}:audit:expect:${kind}:${accId}`;
  }

  async get(accId: string): Promise<AccountSnapshot | null> {
    const text = await this.redis.hget(this.key, accId);
    return text ? (JSON.parse(text) as AccountSnapshot) : null;
  }

  async set(snapshot: AccountSnapshot): Promise<void> {
    await this.redis.hset(this.key, snapshot.accId, JSON.stringify(snapshot));
  }

  /** Accounts known (the reconciler's first pass fills this). */
  count(): Promise<number> {
    return this.redis.hlen(this.key);
  }

  /** The bot banned or kicked this account itself: its case is the notice. */
  async expect(accId: string, kind: 'banned' | 'kicked'): Promise<void> {
    await this.redis.set(this.expectationKey(accId, kind), '1', 'PX', EXPECTATION_TTL_MS);
  }

  /** Whether the change was the bot's own (and forgets it: one echo each). */
  async consumeExpectation(accId: string, kind: 'banned' | 'kicked'): Promise<boolean> {
    return (await this.redis.del(this.expectationKey(accId, kind))) === 1;
  }
}
