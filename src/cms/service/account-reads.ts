import { CmsError } from '../errors.js';
import type { CmsCalls } from './cms-calls.js';
import { shiftOf, type Shift } from './clock.js';

/** An account as a Get Accounts row shows it: no ranks, no clock. */
export interface AccountRecord {
  accId: string;
  /** The community name, else the account name (as members know each other). */
  name: string;
  discordId: string | null;
  /** A member of the community (false after a kick or leaving). */
  comStatus: boolean;
  banned: boolean;
}

/** Get Account: the record plus its ranks and its clock-ins, open and closed. */
export interface AccountDetails extends AccountRecord {
  /** Rank ids, in the CMS's order. */
  ranks: string[];
  shifts: Shift[];
}

export interface AccountPage {
  accounts: AccountRecord[];
  /** Accounts in the community, all pages together. */
  total: number;
}

function recordOf(row: {
  accId: string;
  accName: string;
  comName: string;
  discordId?: string | null;
  comStatus: boolean;
  banned: boolean;
}): AccountRecord {
  return {
    accId: row.accId,
    name: row.comName || row.accName,
    discordId: row.discordId ?? null,
    comStatus: row.comStatus,
    banned: row.banned,
  };
}

/**
 * Whole-community reads for the audit reconciler, always at background priority: they wait
 * behind every member's and staff member's call and never use the budget kept for them.
 */
export class AccountReads {
  constructor(private readonly calls: CmsCalls) {}

  /** One page of Get Accounts (`take` at most 100), in the CMS's order. */
  async page(skip: number, take: number): Promise<AccountPage> {
    const answer = await this.calls.call(
      'getAccounts',
      { query: { skip, take } },
      { priority: 'background' },
    );
    return { accounts: answer.items.map(recordOf), total: answer.total };
  }

  /** Get Account, or null when the account is gone (deleted since it was listed). */
  async details(accId: string): Promise<AccountDetails | null> {
    try {
      const answer = await this.calls.call(
        'getAccount',
        { params: { accountId: accId } },
        { priority: 'background' },
      );
      return {
        ...recordOf(answer),
        ranks: answer.ranks,
        shifts: answer.clockData.data.map(shiftOf),
      };
    } catch (error) {
      if (error instanceof CmsError && error.kind === 'http' && error.status === 404) return null;
      throw error;
    }
  }
}
