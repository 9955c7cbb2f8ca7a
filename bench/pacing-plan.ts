import type { OperationName } from '../src/cms/catalog/index.js';
import type { Priority } from '../src/queue/index.js';

/**
 * What the pacing benchmark loads. Inputs are the catalog's docs examples, which the emulator's
 * seeded community answers; all are reads, so the run leaves the community as it found it.
 */

/** Kept busier than their budget for the whole run, with both priorities. */
export const SATURATED: OperationName[] = [
  'getRosterContents', // 9 a minute
  'getDepartments', // 13
  'getServers', // 13
  'v1.getSubVersion', // 13 (borrowed from v2)
  'getAccounts', // 22
  'getAccount', // 27
  'searchAccounts', // 27
  'v1.getComAccount', // 27, and the same budget as getAccount (its v2 twin)
];

/** Called now and then, well inside their budget, to time an idle operation against a direct call. */
export const IDLE: OperationName[] = [
  'getAccountRanks',
  'getAccountIdentifiers',
  'getMemberPoints',
  'getMemberRecords',
  'getFormLockStatus',
  'getFormSubmission',
  'getOnlinePlayers',
  'getPlayerQueue',
  'getAceConfig',
  'getCurrentClockIn',
];

/** Parent → worker process. */
export type ToWorkerProcess =
  { type: 'go'; seconds: number; windowMs: number; processes: number } | { type: 'stop' };

/** One finished job, as the submitting process saw it. */
export interface DispatchRecord {
  queue: string;
  jobId: number;
  operation: OperationName;
  priority: Priority;
  dispatchedAt: number | null;
  ok: boolean;
  error?: string;
}

/** Worker process → parent. */
export type FromWorkerProcess =
  | { type: 'ready' }
  /** The backlog is in Redis: the saturated operations stay saturated from here on. */
  | { type: 'loaded'; jobs: number; ms: number }
  | { type: 'records'; records: DispatchRecord[] };
