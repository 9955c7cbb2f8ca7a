/**
 * What the audit channel records. Every event has an `id` that stays the same when it is
 * recorded again (a retried job, a re-delivered push), so it is posted once.
 */

/** How one half of a staff action went. */
export interface ActionOutcome {
  status: 'done' | 'failed' | 'skipped' | 'retrying';
  /** What to tell staff: why it failed, why it was skipped. */
  detail?: string;
}

/** A /ban or /kick by a staff member, in Discord and in the CMS. */
export interface StaffActionEvent {
  type: 'staff-action';
  id: string;
  /** The guild's case number: 1, 2, 3... */
  caseNumber: number;
  action: 'ban' | 'kick';
  staff: { id: string; tag: string };
  target: { id: string; tag: string };
  /** The CMS account of the target, when linked. */
  account: { accId: string; name: string } | null;
  reason: string;
  discord: ActionOutcome;
  cms: ActionOutcome;
  /** ms since the epoch. */
  at: number;
}

export type AuditEvent = StaffActionEvent;
