import type { ShiftEvent } from './audit-events.js';

/**
 * The id of a shift line in the shift log: the same clock-in or clock-out gets the same id
 * whoever records it (/clockin itself, or the reconciler finding it in the CMS's clock data), so
 * the audit log posts it once.
 */
export function shiftEventId(accId: string, startedAt: number, ended: boolean): string {
  return `shift:${accId}:${startedAt}:${ended ? 'out' : 'in'}`;
}

/** A clock-in (`endedAt` null) or clock-out for the shift log, with its deterministic id. */
export function shiftEvent(shift: Omit<ShiftEvent, 'type' | 'id' | 'at'>): ShiftEvent {
  const ended = shift.endedAt !== null;
  return {
    type: 'shift',
    id: shiftEventId(shift.member.accId, shift.startedAt, ended),
    at: shift.endedAt ?? shift.startedAt,
    ...shift,
  };
}
