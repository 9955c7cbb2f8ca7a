import type { OperationName } from '../cms/catalog/index.js';
import type { CmsErrorDetails } from '../cms/errors.js';
import type { Priority } from './keys.js';

/** What a queued CMS call carries in Redis. */
export interface CmsJobData {
  operation: OperationName;
  input: unknown;
  priority: Priority;
  /** The CmsQueue instance (process) waiting for the outcome. */
  submitter: string;
  /** The send this is, from 1; each one takes a slot of the budget. */
  attempt: number;
  /** Redis time (ms) after which the call must not be sent any more; none for no deadline. */
  deadline?: number;
  lastError?: CmsErrorDetails;
}

export interface DispatchMeta {
  /** Redis time (ms) the last send was let through the gate; null if none was. */
  dispatchedAt: number | null;
  /** From submit to that moment: the time spent waiting in the queue (ms). */
  queuedMs?: number;
  /** Sends made, retries included. */
  attempts: number;
  /** The earlier send's result was confirmed by reading the CMS instead of sending again. */
  verified?: boolean;
}

/** Published to the submitter when a job is done, and kept as BullMQ's return value / failure. */
export type JobOutcome =
  | { jobId: string; queue: string; ok: true; data: unknown; meta: DispatchMeta }
  | { jobId: string; queue: string; ok: false; error: CmsErrorDetails; meta: DispatchMeta };
