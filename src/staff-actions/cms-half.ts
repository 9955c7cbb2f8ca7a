import { CmsError } from '../cms/errors.js';
import type { CallOptions, CmsService } from '../cms/service/index.js';
import type { Logger } from '../logger.js';
import { WORDS, type HalfResult, type StaffCase } from './staff-action.js';

/**
 * Why a CMS kick or ban failed, in words for staff (never the CMS's raw answer), and whether
 * trying again may work. Both operations are idempotent, so a retry never applies one twice.
 */
export function cmsFailure(error: unknown): { detail: string; transient: boolean } {
  if (!(error instanceof CmsError))
    return { detail: 'the CMS queue could not be reached', transient: true };
  switch (error.kind) {
    case 'timeout':
      return { detail: 'Sonoran CMS did not answer in time', transient: true };
    case 'network':
      return { detail: 'Sonoran CMS could not be reached', transient: true };
    case 'rate-limited':
      return { detail: 'Sonoran CMS asked the bot to slow down', transient: true };
    case 'expired':
      return { detail: 'the CMS queue was too long to wait for', transient: true };
    case 'uncertain':
      return { detail: 'sent, but Sonoran CMS never answered', transient: true };
    case 'no-worker':
      return { detail: 'no CMS worker process is running', transient: true };
    case 'http':
      if ((error.status ?? 0) >= 500)
        return {
          detail: `Sonoran CMS answered with a server error (${error.status})`,
          transient: true,
        };
      return { detail: `Sonoran CMS refused it (${error.status ?? 'error'})`, transient: false };
    case 'auth':
      return { detail: "Sonoran CMS refused the bot's credentials", transient: false };
    case 'invalid-response':
      return {
        detail: 'Sonoran CMS answered in an unexpected form; check the account in the CMS',
        transient: false,
      };
    default:
      return { detail: `the call could not be made (${error.kind})`, transient: false };
  }
}

/**
 * The CMS half of a case: kicks or bans the target's account, then forgets their cached link
 * (it changed). Skipped when there is no account. Never throws: a failure is an outcome, marked
 * for retry when another attempt may work.
 */
export async function applyInCms(
  cms: CmsService,
  c: StaffCase,
  calls: CallOptions,
  logger: Logger,
): Promise<HalfResult> {
  if (!c.account)
    return {
      outcome: { status: 'skipped', detail: c.cmsSkipped ?? 'no linked CMS account' },
      retry: false,
    };
  try {
    await cms.moderation.apply(c.action, c.account.accId, calls);
  } catch (error) {
    const failure = cmsFailure(error);
    logger.warn(
      { err: error, case: c.caseNumber, guild: c.guildId, transient: failure.transient },
      `the CMS ${WORDS[c.action].verb} failed`,
    );
    return {
      outcome: { status: failure.transient ? 'retrying' : 'failed', detail: failure.detail },
      retry: failure.transient,
    };
  }
  // A stale link only costs a lookup later; the action itself is done.
  await cms.links
    .forget(c.target.id)
    .catch((error: unknown) => logger.warn({ err: error }, 'could not forget a cached link'));
  return {
    outcome: { status: 'done', detail: `account ${c.account.name} ${WORDS[c.action].past}` },
    retry: false,
  };
}
