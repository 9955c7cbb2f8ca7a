import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.js';
import { CmsError } from '../errors.js';
import type { LinkedAccount } from './accounts.js';
import { CachedRead, type Cached } from './cached-read.js';
import type { CallOptions, CmsCalls } from './cms-calls.js';
import { cmsCouldNotAnswer } from './could-not-answer.js';

/** One row of a server's full whitelist: the account's name and its API ids (`discord:<id>`). */
export interface WhitelistEntry {
  name: string;
  apiIds: string[];
}

export type WhitelistCheck = { status: 'allowed'; name: string } | { status: 'not-allowed' };

/** What the last full whitelist kept in Redis says of one Discord user. */
export interface FallbackCheck {
  listed: boolean;
  /** The account's name on the list, when listed. */
  name: string | null;
  /** When the CMS gave that list (ms since the epoch). */
  fetchedAt: number;
}

/** Older than this, a use of /whitelist brings a new full list in the background. */
const FRESH_FOR_MS = 5 * 60_000;
/** Kept for a week: an old list, with its age shown, beats none while the CMS is down. */
const KEEP_FOR_MS = 7 * 24 * 60 * 60_000;

/**
 * The CMS refused the account (Verify Whitelist answers a problem, 403, instead of a negative
 * answer). Only this means "not whitelisted"; anything else is not an answer about the account.
 */
function isRefusal(error: unknown): boolean {
  return error instanceof CmsError && error.kind === 'http' && error.status === 403;
}

/**
 * Game server whitelists: the CMS's own verdict for one account (v2 Verify Whitelist), and
 * each server's full list kept in Redis (v2 Full Whitelist, 13 a minute) to stand in, with its
 * age, when the CMS cannot answer.
 */
export class Whitelists {
  private readonly lists = new Map<number, CachedRead<WhitelistEntry[]>>();

  constructor(
    private readonly calls: CmsCalls,
    private readonly redis: Redis,
    private readonly namespace: string,
    private readonly logger: Logger,
  ) {}

  /** Whether the CMS lets the account join the server. Failures other than a refusal are thrown. */
  async check(
    account: LinkedAccount,
    serverId: number,
    options: CallOptions = {},
  ): Promise<WhitelistCheck> {
    try {
      const name = await this.calls.call(
        'verifyWhitelist',
        { params: { serverId }, body: { accId: account.accId } },
        options,
      );
      return { status: 'allowed', name };
    } catch (error) {
      if (isRefusal(error)) return { status: 'not-allowed' };
      throw error;
    }
  }

  /** The server's full whitelist, cached in Redis and shared by every bot process. */
  full(serverId: number): CachedRead<WhitelistEntry[]> {
    let list = this.lists.get(serverId);
    if (!list) {
      list = new CachedRead({
        redis: this.redis,
        key: `${this.namespace}:cache:whitelist:${serverId}`,
        freshForMs: FRESH_FOR_MS,
        keepForMs: KEEP_FOR_MS,
        logger: this.logger,
        name: `whitelist of server ${serverId}`,
        load: (priority) => this.fetch(serverId, { priority }),
      });
      this.lists.set(serverId, list);
    }
    return list;
  }

  /**
   * The full list for someone waiting on it: the kept copy while fresh; else read now with the
   * caller's options (its deadline, its queue notice), never behind a paced background refresh;
   * else, when the CMS cannot answer, the kept copy however old (its `fetchedAt` says how old).
   */
  async latest(serverId: number, options: CallOptions = {}): Promise<Cached<WhitelistEntry[]>> {
    const list = this.full(serverId);
    const kept = await list.read();
    if (kept && Date.now() - kept.fetchedAt < FRESH_FOR_MS) return kept;
    try {
      return await list.store(await this.fetch(serverId, options));
    } catch (error) {
      if (kept && cmsCouldNotAnswer(error)) return kept;
      throw error;
    }
  }

  private async fetch(serverId: number, options: CallOptions): Promise<WhitelistEntry[]> {
    const entries = await this.calls.call('getFullWhitelist', { params: { serverId } }, options);
    return entries.map(({ name, apiIds }) => ({ name, apiIds }));
  }

  /** What the last kept full list says of a Discord user, without asking the CMS; null when none is kept. */
  async fallbackCheck(discordId: string, serverId: number): Promise<FallbackCheck | null> {
    const cached: Cached<WhitelistEntry[]> | null = await this.full(serverId).read();
    if (!cached) return null;
    const entry = cached.value.find((e) => e.apiIds.includes(`discord:${discordId}`));
    return { listed: entry !== undefined, name: entry?.name ?? null, fetchedAt: cached.fetchedAt };
  }
}
