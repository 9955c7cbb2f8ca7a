import type { z } from 'zod';

/**
 * Why a CMS call failed:
 * - `invalid-input`: the caller's input broke the operation's schema; nothing was sent.
 * - `auth`: the CMS refused the credentials (v2 401, v1 INVALID API KEY / INVALID COMMUNITY ID).
 * - `rate-limited`: the CMS answered 429; `retryAfterMs` says how long to stay away.
 * - `http`: any other error answer (4xx or 5xx) with the CMS's own message.
 * - `timeout`: no answer in time; the request may or may not have taken effect.
 * - `network`: the connection failed before any answer.
 * - `invalid-response`: the answer did not match the documented shape; `field` names where.
 * - `uncertain`: a write may have reached the CMS but its outcome is unknown, so it was not re-sent.
 * - `cancelled`: the caller took the queued call back before it was sent.
 * - `expired`: its deadline passed before it could be sent (or its ETA was past it); not sent.
 * - `no-worker`: no worker process serves this operation, so it was not queued.
 */
export type CmsErrorKind =
  | 'invalid-input'
  | 'auth'
  | 'rate-limited'
  | 'http'
  | 'timeout'
  | 'network'
  | 'invalid-response'
  | 'uncertain'
  | 'cancelled'
  | 'expired'
  | 'no-worker';

export interface CmsErrorDetails {
  kind: CmsErrorKind;
  operation: string;
  message: string;
  status?: number;
  /** The v1 error line or the problem `type` from the CMS; for `network`, the system error code. */
  code?: string;
  /** The schema path that failed, for `invalid-input` and `invalid-response`. */
  field?: string;
  retryAfterMs?: number;
}

export class CmsError extends Error {
  readonly kind: CmsErrorKind;
  readonly operation: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly field: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(details: CmsErrorDetails) {
    super(`${details.operation}: ${details.message}`);
    this.name = 'CmsError';
    this.kind = details.kind;
    this.operation = details.operation;
    this.status = details.status;
    this.code = details.code;
    this.field = details.field;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** The message without the operation prefix. */
  get detail(): string {
    return this.message.slice(this.operation.length + 2);
  }

  /** Whether sending again later may succeed: timeouts, lost connections and 5xx answers. */
  get transient(): boolean {
    return (
      this.kind === 'timeout' ||
      this.kind === 'network' ||
      (this.kind === 'http' && (this.status ?? 0) >= 500)
    );
  }

  /** A plain object that survives JSON, so a worker in another process can hand the error back. */
  toJSON(): CmsErrorDetails {
    return {
      kind: this.kind,
      operation: this.operation,
      message: this.detail,
      status: this.status,
      code: this.code,
      field: this.field,
      retryAfterMs: this.retryAfterMs,
    };
  }

  static fromJSON(details: CmsErrorDetails): CmsError {
    return new CmsError(details);
  }
}

/** The first schema problem as "path: message", for errors that name the field. */
export function describeIssue(error: z.ZodError, root: string): { field: string; text: string } {
  const issue = error.issues[0];
  const field = [root, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  return { field, text: `${field}: ${issue?.message ?? 'invalid'}` };
}
