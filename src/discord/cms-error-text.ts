import { CmsError } from '../cms/errors.js';
import { discordTime } from './format.js';

/**
 * What a member is told when the CMS could not do what they asked. Plain words, what to do
 * next, and never the CMS's raw answer (it can name internals) nor anything of the key.
 * Returns null for errors that are not the CMS's (internal: reported with an error id).
 */
export function describeCmsFailure(error: unknown, now = Date.now()): string | null {
  if (!(error instanceof CmsError)) return null;
  switch (error.kind) {
    case 'timeout':
    case 'network':
      return 'Sonoran CMS is not answering right now. Nothing was changed by this attempt that we know of; please try again in a few minutes.';
    case 'http':
      if ((error.status ?? 0) >= 500) {
        return 'Sonoran CMS is having trouble right now (it answered with a server error). Please try again in a few minutes.';
      }
      return null;
    case 'rate-limited':
      return `The bot's access to Sonoran CMS is paused for a moment (the CMS asked it to slow down). Please try again ${discordTime(now + (error.retryAfterMs ?? 60_000), 'R')}.`;
    case 'expired':
      return `The CMS queue is too long to answer before this command expires. Please try again ${discordTime(now + (error.retryAfterMs ?? 60_000), 'R')}.`;
    case 'uncertain':
      return 'Sonoran CMS may or may not have done this: the request was sent but no answer came back. Check in the CMS before trying again.';
    case 'no-worker':
      return 'The bot cannot reach Sonoran CMS for this right now (no queue worker is running). Please tell a staff member.';
    case 'auth':
      return "Sonoran CMS refused the bot's credentials. Please tell a staff member.";
    default:
      return null;
  }
}
