/**
 * What the audit channel records: one union of event kinds, each with its own formatter (see
 * audit-embeds.ts). A new kind (a CMS push event, a reconciler finding) is one more member of
 * `AuditEvent` and one more formatter.
 */

/** What every audit event carries. */
export interface AuditEventBase {
  /**
   * Stays the same when the event is recorded again (a retried job, a re-delivered push), so
   * it is posted once. A new version of something already posted gets a new id.
   */
  id: string;
  /**
   * What the event is about, when later events update it (a case): they edit the message the
   * first one posted instead of posting another.
   */
  subject?: string;
  /** Within one subject, higher is newer; a late older version never replaces a newer one. */
  revision?: number;
  /** When it happened (ms since the epoch). */
  at: number;
}

/** How one half of a staff action went. */
export interface ActionOutcome {
  status: 'done' | 'failed' | 'skipped' | 'retrying';
  /** What to tell staff: why it failed, why it was skipped. */
  detail?: string;
}

/** A /ban or /kick by a staff member, in Discord and in the CMS: one case, edited as it settles. */
export interface StaffActionEvent extends AuditEventBase {
  type: 'staff-action';
  guildId: string;
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
}

export type AuditEvent = StaffActionEvent;
export type AuditEventType = AuditEvent['type'];
