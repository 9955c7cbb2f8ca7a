import type { Shift } from '../cms/service/clock.js';
import type { AccountDetails, AccountRecord } from '../cms/service/index.js';
import type { ShiftEvent } from './audit-events.js';
import type { AccountObservation } from './observations.js';
import { shiftEvent } from './shift-events.js';

/**
 * What the reconciler makes of what it read: a Get Accounts row or a Get Account detail
 * becomes a 'state' observation for the intake, whose snapshot diff decides what is news.
 */
export function reconciledState(
  account: AccountRecord | AccountDetails,
  at: number,
  recordOnly: boolean,
): AccountObservation {
  return {
    kind: 'state',
    source: 'reconciliation',
    at,
    ...(recordOnly ? { recordOnly: true } : {}),
    account: {
      accId: account.accId,
      discordId: account.discordId,
      name: account.name,
      comStatus: account.comStatus,
      banned: account.banned,
      // A row carries no ranks: null keeps the snapshot's (the diff reads it as "unknown").
      ranks: 'ranks' in account ? [...account.ranks] : null,
    },
  };
}

/**
 * The clock-ins and clock-outs in an account's clock data that happened after `since`: open
 * clocks that started after it, and closed ones that ended after it (the clock-out line shows
 * the whole shift, so a shift begun and ended in between is one line).
 */
export function clockNews(shifts: readonly Shift[], since: number): Shift[] {
  return shifts
    .filter((shift) => (shift.endedAt ?? shift.startedAt) > since)
    .sort((a, b) => (a.endedAt ?? a.startedAt) - (b.endedAt ?? b.startedAt));
}

/** The shift log lines for clock news found in the CMS (made in the panel or the game). */
export function reconciledShifts(
  account: AccountDetails,
  since: number,
  typeLabel: (typeId: string | null) => string,
): ShiftEvent[] {
  return clockNews(account.shifts, since).map((shift) =>
    shiftEvent({
      member: { accId: account.accId, name: account.name, discordId: account.discordId },
      clockType: typeLabel(shift.type),
      startedAt: shift.startedAt,
      endedAt: shift.endedAt,
      source: 'reconciliation',
    }),
  );
}
