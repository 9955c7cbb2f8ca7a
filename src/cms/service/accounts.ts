import type { Redis } from 'ioredis';
import type { CallOptions, CmsCalls } from './cms-calls.js';

/** The CMS account a Discord user is linked to: what commands need of it. */
export interface LinkedAccount {
  accId: string;
  /** The community name, as members know each other. */
  name: string;
  /** Still a member of the community (not kicked, not left). */
  active: boolean;
  banned: boolean;
  /** Created just now for a sandbox user (never against the real CMS). */
  created?: boolean;
}

export interface AccountLinksOptions {
  calls: CmsCalls;
  redis: Redis;
  /** Key prefix of this CMS credential (QueueKeys.namespace). */
  namespace: string;
  /** How long a found link is trusted. */
  linkedTtlMs?: number;
  /** How long "not linked" is trusted: shorter, so a member who just linked is seen soon. */
  unlinkedTtlMs?: number;
  /** SANDBOX only: makes an account for a Discord user who has none. */
  provision?: (user: { id: string; username: string }) => Promise<LinkedAccount>;
}

const NOT_LINKED = 'none';

/**
 * Maps Discord users to CMS accounts through the account's Discord identifier (v2 Search
 * Accounts by `discord`). Answers are kept in Redis for minutes, so a member running several
 * commands spends one search of the 27 a minute the whole community shares.
 */
export class AccountLinks {
  private readonly linkedTtlMs: number;
  private readonly unlinkedTtlMs: number;

  constructor(private readonly options: AccountLinksOptions) {
    this.linkedTtlMs = options.linkedTtlMs ?? 10 * 60_000;
    this.unlinkedTtlMs = options.unlinkedTtlMs ?? 60_000;
  }

  private key(discordId: string): string {
    return `${this.options.namespace}:link:${discordId}`;
  }

  /**
   * The linked account, or null (after a sandbox user got one made: with `created`).
   * `provision: false` never makes one: staff acting on a member must see them as they are.
   */
  async find(
    user: { id: string; username: string },
    callOptions: CallOptions = {},
    { provision = true }: { provision?: boolean } = {},
  ): Promise<LinkedAccount | null> {
    const provisioner = provision ? this.options.provision : undefined;
    const cached = await this.options.redis.get(this.key(user.id));
    if (cached === NOT_LINKED && !provisioner) return null;
    if (cached && cached !== NOT_LINKED) return JSON.parse(cached) as LinkedAccount;

    const found = await this.options.calls.call(
      'searchAccounts',
      { query: { discord: user.id } },
      callOptions,
    );
    const row = found.items[0];
    if (row) {
      const account: LinkedAccount = {
        accId: row.accId,
        name: row.comName || row.accName,
        active: row.comStatus,
        banned: row.banned,
      };
      await this.remember(user.id, account);
      return account;
    }
    if (provisioner) {
      const account = await provisioner(user);
      await this.remember(user.id, account);
      return { ...account, created: true };
    }
    await this.options.redis.set(this.key(user.id), NOT_LINKED, 'PX', this.unlinkedTtlMs);
    return null;
  }

  /** Forgets what is known of a user's link (after a change the bot itself made, such as a kick). */
  async forget(discordId: string): Promise<void> {
    await this.options.redis.del(this.key(discordId));
  }

  private async remember(discordId: string, account: LinkedAccount): Promise<void> {
    const { created: _created, ...stored } = account;
    await this.options.redis.set(
      this.key(discordId),
      JSON.stringify(stored),
      'PX',
      this.linkedTtlMs,
    );
  }
}
