import { CmsError } from '../errors.js';

/**
 * The CMS gave no answer at all (down, slow, unreachable, pausing the bot, the queue too long or
 * not served), as opposed to an answer the caller may not like: a cached copy may stand in.
 */
export function cmsCouldNotAnswer(error: unknown): boolean {
  if (!(error instanceof CmsError)) return false;
  return (
    error.transient ||
    error.kind === 'rate-limited' ||
    error.kind === 'expired' ||
    error.kind === 'no-worker'
  );
}
