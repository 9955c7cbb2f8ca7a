import type { CmsEmulator } from '../src/cms/emulator/server.js';
import type { Stop } from './soak-control.js';
import type { NoticeLedger } from './soak-notices.js';

/** A CMS account the soak renames, again and again; `pending` is the name whose notice is due. */
export interface RenamedAccount {
  accId: string;
  index: number;
  renames: number;
  pending: string | null;
}

/**
 * CMS accounts of the soak's own, made before the bot starts so the reconciler's first pass
 * records them (a change before it would be recorded silently, not posted).
 */
export function addRenamedAccounts(cms: CmsEmulator, count: number): RenamedAccount[] {
  return Array.from({ length: count }, (_, index) => {
    const account = cms.community.createAccount({
      username: `soak.member${index}`,
      discordId: `991000000000${String(index).padStart(6, '0')}`,
    });
    return { accId: account.accId, index, renames: 0, pending: null };
  });
}

export interface ChangesOptions {
  cms: CmsEmulator;
  ledger: NoticeLedger;
  stop: Stop;
  everyMs: number;
  accounts: RenamedAccount[];
}

/**
 * Staff editing accounts in the CMS every `everyMs`: a rename, in turn in the web panel (the
 * CMS sends a push event, and the reconciler sees it too: one of them posts it) and silently (a
 * change only the reconciler can find). Each expects one notice. An account is renamed again
 * only once its last rename's notice is in, so no change hides another.
 */
export class AccountChanges {
  panelEdits = 0;
  silentEdits = 0;

  constructor(private readonly options: ChangesOptions) {}

  async run(): Promise<void> {
    const { stop, everyMs } = this.options;
    for (let n = 0; ; n += 1) {
      await stop.pause(everyMs);
      if (stop.stopped) return;
      const account = this.nextFree(n);
      if (account) this.rename(account, n % 2 === 0 ? 'panel' : 'silent');
    }
  }

  /** The next account, in rotation from `n`, whose last rename has been posted. */
  private nextFree(n: number): RenamedAccount | undefined {
    const { accounts, ledger } = this.options;
    for (let i = 0; i < accounts.length; i += 1) {
      const account = accounts[(n + i) % accounts.length]!;
      if (account.pending === null || ledger.hasSeen(`change:${account.pending}`)) return account;
    }
    return undefined;
  }

  private rename(account: RenamedAccount, how: 'panel' | 'silent'): void {
    const { cms, ledger } = this.options;
    const record = cms.community.findAccount({ accId: account.accId })!;
    account.renames += 1;
    const name = `Soak Member ${account.index} r${account.renames}`;
    account.pending = name;
    ledger.expect(`change:${name}`, 'change');
    if (how === 'panel') {
      cms.community.updateAccount(record, { comName: name });
      this.panelEdits += 1;
    } else {
      record.comName = name;
      this.silentEdits += 1;
    }
  }
}
