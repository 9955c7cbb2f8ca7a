import type { ActionOutcome } from '../audit/audit-events.js';
import type { StaffActionKind } from '../discord/staff-checks.js';

export type { ActionOutcome } from '../audit/audit-events.js';
export type { StaffActionKind } from '../discord/staff-checks.js';

/** A /ban or /kick as staff asked for it, waiting for their Confirm (stored in Redis as JSON). */
export interface StaffRequest {
  action: StaffActionKind;
  guildId: string;
  staff: { id: string; tag: string };
  target: { id: string; tag: string };
  /** The target's CMS account, when the CMS half will run. */
  account: { accId: string; name: string } | null;
  /** Why the CMS half is skipped, when `account` is null. */
  cmsSkipped: string | null;
  reason: string;
  /** Ban only: how much of their message history Discord deletes. */
  deleteMessageSeconds: number;
}

/** A confirmed request: a numbered case. */
export interface StaffCase extends StaffRequest {
  caseNumber: number;
  /** When it was confirmed (ms since the epoch). */
  at: number;
}

/** The two halves of a staff action, reported and retried apart. */
export type Half = 'discord' | 'cms';

/** How one attempt at one half went; `retry` when another attempt may succeed. */
export interface HalfResult {
  outcome: ActionOutcome;
  retry: boolean;
}

export const WORDS: Record<
  StaffActionKind,
  { verb: string; past: string; doing: string; title: string }
> = {
  ban: { verb: 'ban', past: 'banned', doing: 'Banning', title: 'Ban' },
  kick: { verb: 'kick', past: 'kicked', doing: 'Kicking', title: 'Kick' },
};

/** The choices of /ban's delete_messages, in seconds (Discord's limit is 7 days). */
export const MESSAGE_DELETION: { name: string; seconds: number }[] = [
  { name: 'Last hour', seconds: 3_600 },
  { name: 'Last 6 hours', seconds: 6 * 3_600 },
  { name: 'Last 24 hours', seconds: 24 * 3_600 },
  { name: 'Last 3 days', seconds: 3 * 24 * 3_600 },
  { name: 'Last 7 days', seconds: 7 * 24 * 3_600 },
];

/** "their messages from the last 24 hours", or null when none are deleted. */
export function deletionText(seconds: number): string | null {
  if (seconds <= 0) return null;
  const choice = MESSAGE_DELETION.find((c) => c.seconds === seconds);
  const span = choice ? choice.name.toLowerCase() : `last ${Math.round(seconds / 3_600)} hours`;
  return `their messages from the ${span}`;
}
