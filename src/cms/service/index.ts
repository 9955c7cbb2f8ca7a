import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.js';
import type { CmsQueue } from '../../queue/index.js';
import { AccountReads } from './account-reads.js';
import { AccountLinks, type LinkedAccount } from './accounts.js';
import { TimeClock } from './clock.js';
import { CmsCalls } from './cms-calls.js';
import { CommunitySettings } from './community.js';
import { Moderation, type ModerationEchoes } from './moderation.js';
import { Whitelists } from './whitelist.js';

export type { LinkedAccount } from './accounts.js';
export type { AccountDetails, AccountPage, AccountRecord } from './account-reads.js';
export type { CallOptions, QueueWait } from './cms-calls.js';
export { BOT_OPERATIONS, type BotOperation } from './operations.js';

/**
 * The domain calls the commands use. Every one goes to the CMS through the queue (CmsCalls);
 * none knows Discord.
 */
export interface CmsService {
  links: AccountLinks;
  clock: TimeClock;
  community: CommunitySettings;
  moderation: Moderation;
  whitelist: Whitelists;
  /** Whole-community account reads for the audit reconciler (background priority). */
  accounts: AccountReads;
}

export interface CmsServiceOptions {
  queue: CmsQueue;
  redis: Redis;
  namespace: string;
  logger: Logger;
  /** SANDBOX only: makes a CMS account for a Discord user who has none. */
  provision?: (user: { id: string; username: string }) => Promise<LinkedAccount>;
  /** Told of the bot's own kicks and bans (the audit pipeline: no second notice for the CMS's echo). */
  moderationEchoes?: ModerationEchoes;
}

export function createCmsService(options: CmsServiceOptions): CmsService {
  const calls = new CmsCalls(options.queue);
  return {
    links: new AccountLinks({
      calls,
      redis: options.redis,
      namespace: options.namespace,
      provision: options.provision,
    }),
    clock: new TimeClock(calls),
    community: new CommunitySettings(calls, options.redis, options.namespace, options.logger),
    moderation: new Moderation(calls, options.moderationEchoes),
    whitelist: new Whitelists(calls, options.redis, options.namespace, options.logger),
    accounts: new AccountReads(calls),
  };
}
