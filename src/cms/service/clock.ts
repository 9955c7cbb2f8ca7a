import type { CallOptions, CmsCalls } from './cms-calls.js';
import type { LinkedAccount } from './accounts.js';

/** An open or closed clock-in, as the commands show it. */
export interface Shift {
  type: string | null;
  startedAt: number;
  endedAt: number | null;
}

export type ClockInResult =
  { status: 'clocked-in'; shift: Shift } | { status: 'already-in'; shift: Shift | null };
export type ClockOutResult = { status: 'clocked-out'; shift: Shift } | { status: 'not-in' };

export function shiftOf(row: { type?: string; startTime: string; endTime: string | null }): Shift {
  return {
    type: row.type ?? null,
    startedAt: Date.parse(row.startTime),
    endedAt: row.endTime ? Date.parse(row.endTime) : null,
  };
}

/** The time clock: clock in and out, and the shift under way. */
export class TimeClock {
  constructor(private readonly calls: CmsCalls) {}

  /** The open shift, or null. */
  async current(account: LinkedAccount, options: CallOptions = {}): Promise<Shift | null> {
    const answer = await this.calls.call(
      'getCurrentClockIn',
      { params: { accountId: account.accId }, query: { accId: account.accId } },
      options,
    );
    return typeof answer === 'string' ? null : shiftOf(answer);
  }

  async clockIn(
    account: LinkedAccount,
    type: string,
    options: CallOptions = {},
  ): Promise<ClockInResult> {
    const answer = await this.calls.call(
      'clockAccount',
      {
        params: { accountId: account.accId },
        body: { accId: account.accId, intention: 'in', type },
      },
      options,
    );
    // `true`: already clocked in, nothing written. Say since when.
    if (answer === true)
      return { status: 'already-in', shift: await this.current(account, options) };
    return { status: 'clocked-in', shift: shiftOf(answer) };
  }

  /** Closes the open shift (of whatever type it is), reading it first to say how long it lasted. */
  async clockOut(account: LinkedAccount, options: CallOptions = {}): Promise<ClockOutResult> {
    const open = await this.current(account, options);
    if (!open) return { status: 'not-in' };
    const answer = await this.calls.call(
      'clockAccount',
      {
        params: { accountId: account.accId },
        body: { accId: account.accId, intention: 'out', type: open.type ?? 'regular' },
      },
      options,
    );
    if (answer === true) return { status: 'not-in' };
    return { status: 'clocked-out', shift: shiftOf(answer) };
  }
}
