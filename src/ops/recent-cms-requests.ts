import type { CmsError, CmsErrorKind } from '../cms/errors.js';

/** The CMS is "failing" when this many of this process's latest requests all failed… */
export const FAILING_AFTER = 3;
/** …and all within this long: older failures say nothing about now. */
export const RECENT_MS = 5 * 60_000;

/**
 * Failures that say the CMS did not serve the request: no answer (timeout, lost connection), a
 * server error, or the key refused. A 4xx answer, even a malformed one, means it is reachable;
 * a 429 is judged by the credential's pause instead.
 */
export function isCmsDown(error: CmsError): boolean {
  return (
    error.kind === 'timeout' ||
    error.kind === 'network' ||
    error.kind === 'auth' ||
    (error.kind === 'http' && (error.status ?? 0) >= 500)
  );
}

/** How an error is named in metrics and readiness: its kind, with HTTP errors split 4xx/5xx. */
export function errorKindOf(error: { kind: CmsErrorKind; status?: number | undefined }): string {
  if (error.kind !== 'http') return error.kind;
  return (error.status ?? 0) >= 500 ? 'http_5xx' : 'http_4xx';
}

export interface RecentVerdict {
  failing: boolean;
  /** Requests in the last RECENT_MS (at most FAILING_AFTER kept). */
  recent: number;
  /** The kind of the latest failure, when failing. */
  lastError: string | null;
}

/**
 * The latest HTTP requests this process's CMS workers sent: whether the CMS answers, judged
 * without sending anything of our own (a probe would spend the budget members need).
 */
export class RecentCmsRequests {
  private readonly latest: { at: number; down: boolean; kind: string | null }[] = [];

  record(error?: CmsError, at = Date.now()): void {
    this.latest.push({
      at,
      down: error ? isCmsDown(error) : false,
      kind: error ? errorKindOf(error) : null,
    });
    if (this.latest.length > FAILING_AFTER) this.latest.shift();
  }

  verdict(now = Date.now()): RecentVerdict {
    const recent = this.latest.filter((request) => now - request.at <= RECENT_MS);
    const failing = recent.length >= FAILING_AFTER && recent.every((request) => request.down);
    return {
      failing,
      recent: recent.length,
      lastError: failing ? (recent[recent.length - 1]!.kind ?? null) : null,
    };
  }
}
