import type { CallOptions, CmsCalls } from './cms-calls.js';

/** What staff can do to an account in the CMS (v1 only: the v2 API has neither). */
export type ModerationAction = 'kick' | 'ban';

const OPERATION = { kick: 'v1.kickAccount', ban: 'v1.banAccount' } as const;

/**
 * Kicks and bans CMS accounts. Both are idempotent in the CMS (a second kick or ban changes
 * nothing), so a caller may send one again after a failure without applying it twice. Staff
 * wait on these: they default to interactive priority, like every call without one.
 */
export class Moderation {
  constructor(private readonly calls: CmsCalls) {}

  /** Kicks or bans the account; resolves when the CMS has answered that it did. */
  async apply(action: ModerationAction, accId: string, options: CallOptions = {}): Promise<void> {
    await this.calls.call(OPERATION[action], { data: [{ accId }] }, options);
  }

  kick(accId: string, options: CallOptions = {}): Promise<void> {
    return this.apply('kick', accId, options);
  }

  ban(accId: string, options: CallOptions = {}): Promise<void> {
    return this.apply('ban', accId, options);
  }
}
