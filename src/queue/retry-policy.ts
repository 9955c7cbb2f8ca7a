import type { CmsError } from '../cms/errors.js';
import { certainlyNotApplied } from './sent-marker.js';

export interface RetrySettings {
  /** Sends per job at most, retries included. */
  maxAttempts: number;
  /** First retry delay; doubles each time (with jitter). */
  retryBaseMs: number;
  /** The CMS window, used as the pause when a 429 names no Retry-After. */
  windowMs: number;
  /** The pacing margin, added to every 429 pause (the answer took time to reach us). */
  marginMs: number;
}

export type AfterFailure =
  /** Send again in `delayMs`. `keepMarker`: the write may have landed, so the retry checks first. */
  | { action: 'retry'; delayMs: number; keepMarker: boolean; pauseCredentialMs?: number }
  | { action: 'fail'; pauseCredentialMs?: number };

/**
 * What to do after a send failed, decided from the error alone: timeouts, lost connections and
 * 5xx answers are retried with exponential backoff; a 429 pauses the whole credential for
 * Retry-After plus the margin and is retried after it; everything else is final.
 */
export function afterFailure(
  error: CmsError,
  attempt: number,
  settings: RetrySettings,
  random = Math.random,
): AfterFailure {
  const pauseCredentialMs =
    error.kind === 'rate-limited'
      ? (error.retryAfterMs ?? settings.windowMs) + settings.marginMs
      : undefined;
  const retryable = pauseCredentialMs !== undefined || error.transient;
  if (!retryable || attempt >= settings.maxAttempts) return { action: 'fail', pauseCredentialMs };
  const backoffMs = settings.retryBaseMs * 2 ** (attempt - 1) * (0.8 + random() * 0.4);
  return {
    action: 'retry',
    delayMs: pauseCredentialMs ?? backoffMs,
    keepMarker: !certainlyNotApplied(error),
    pauseCredentialMs,
  };
}
