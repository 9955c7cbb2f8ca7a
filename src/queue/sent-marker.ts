import type { CmsError } from '../cms/errors.js';
import type { JobOutcome } from './jobs.js';

/**
 * What a non-idempotent job leaves in Redis when the gate lets one of its sends through, before
 * the request leaves. While `outcome` is missing the send may be under way, or its worker died;
 * once the job is finished the marker keeps the outcome (for a day), so a job re-run after a
 * crash between finishing and BullMQ's bookkeeping hands back the same outcome, never a resend.
 */
export interface SentMarker {
  attempt: number;
  /** When the send was let through: Redis time (ms), the one clock every host shares. */
  at: number;
  worker: string;
  outcome?: JobOutcome;
}

/** Connection errors that happen before a single byte of the request left. */
const NOT_SENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * Whether a failed send certainly did not take effect, so a write may be sent again without
 * checking: a 429 or a 503 (the CMS refused it), or a connection that never opened. A timeout,
 * a dropped connection or any other 5xx (a gateway answering for a CMS that may have done the
 * work) leaves the question open.
 */
export function certainlyNotApplied(error: CmsError): boolean {
  if (error.kind === 'rate-limited') return true;
  if (error.kind === 'http')
    return error.status === 503 || (error.status !== undefined && error.status < 500);
  if (error.kind === 'network')
    return error.code !== undefined && NOT_SENT_NETWORK_CODES.has(error.code);
  return error.kind !== 'timeout';
}
