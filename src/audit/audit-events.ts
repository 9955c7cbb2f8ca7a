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

/** Where an account change was found. */
export type ChangeSource = 'push' | 'reconciliation';

/** A change to a CMS account found by a push event or by the reconciler. */
export interface AccountChangeEvent extends AuditEventBase {
  type: 'account-change';
  change: 'banned' | 'kicked' | 'unbanned' | 'rejoined' | 'updated';
  source: ChangeSource;
  account: { accId: string; name: string; discordId: string | null };
  /** What changed, in words; for a first sighting, the account's current state. */
  details: string[];
  firstSighting: boolean;
  /** With ban or kick sync: what was done in Discord. */
  discordSync?: ActionOutcome;
}

/** A clock-in or clock-out, for the shift log (SHIFT_LOG_CHANNEL_ID). */
export interface ShiftEvent extends AuditEventBase {
  type: 'shift';
  member: { accId: string; name: string; discordId: string | null };
  /** The clock-in type's label. */
  clockType: string;
  startedAt: number;
  /** Null while the shift is open (a clock-in). */
  endedAt: number | null;
  /** `command`: /clockin; `reconciliation`: made elsewhere (the CMS panel, the game). */
  source: 'command' | 'reconciliation';
}

export type AuditEvent = StaffActionEvent | AccountChangeEvent | ShiftEvent;
export type AuditEventType = AuditEvent['type'];
