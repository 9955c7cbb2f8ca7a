import { CmsError } from '../errors.js';
import type { CallOptions, CmsCalls } from './cms-calls.js';

/** What staff can do to an account in the CMS (v1 only: the v2 API has neither). */
export type ModerationAction = 'kick' | 'ban';

const OPERATION = { kick: 'v1.kickAccount', ban: 'v1.banAccount' } as const;
const CHANGE = { kick: 'kicked', ban: 'banned' } as const;

/**
 * Told before the CMS kicks or bans for the bot, so the CMS's own report of it (a push event,
 * the reconciler) is not a second notice; and told again when it surely did not happen.
 */
export interface ModerationEchoes {
  expect(accId: string, change: 'banned' | 'kicked'): Promise<void>;
  consumeExpectation(accId: string, change: 'banned' | 'kicked'): Promise<boolean>;
}

/** Failures after which the CMS surely did nothing (a refusal, or nothing was sent). */
function surelyNotApplied(error: unknown): boolean {
  if (!(error instanceof CmsError)) return false;
  if (error.kind === 'http') return (error.status ?? 500) < 500;
  return ['auth', 'invalid-input', 'cancelled', 'expired', 'no-worker'].includes(error.kind);
}

/**
 * Kicks and bans CMS accounts. Both are idempotent in the CMS (a second kick or ban changes
 * nothing), so a caller may send one again after a failure without applying it twice. Staff
 * wait on these: they default to interactive priority, like every call without one.
 */
export class Moderation {
  constructor(
    private readonly calls: CmsCalls,
    private readonly echoes?: ModerationEchoes,
  ) {}

  /** Kicks or bans the account; resolves when the CMS has answered that it did. */
  async apply(action: ModerationAction, accId: string, options: CallOptions = {}): Promise<void> {
    // Before the call: the CMS may report the change before it answers the bot.
    await this.echoes?.expect(accId, CHANGE[action]);
    try {
      await this.calls.call(OPERATION[action], { data: [{ accId }] }, options);
    } catch (error) {
      if (surelyNotApplied(error)) await this.echoes?.consumeExpectation(accId, CHANGE[action]);
      throw error;
    }
  }

  kick(accId: string, options: CallOptions = {}): Promise<void> {
    return this.apply('kick', accId, options);
  }

  ban(accId: string, options: CallOptions = {}): Promise<void> {
    return this.apply('ban', accId, options);
  }
}
