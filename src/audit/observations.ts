/**
 * What the audit pipeline is fed: what one source saw of one CMS account. The push receiver
 * turns Sonoran's push events into these, the reconciler turns its reads into these, and the
 * intake (intake.ts) compares each with the account's last snapshot to find what changed.
 */

/** Where an observation came from, as the audit notice says. */
export type ObservationSource = 'push' | 'reconciliation';

/** An account as the audit pipeline compares it, from a push event or a CMS read. */
export interface AccountState {
  accId: string;
  discordId: string | null;
  /** The community name (comName), else the account name. */
  name: string;
  /** A member of the community (false after a kick or leaving). */
  comStatus: boolean;
  banned: boolean;
  /** Rank ids, primary first; null when the source does not carry them (Get Accounts rows). */
  ranks: string[] | null;
}

export type AccountObservation =
  /** The CMS says the account was banned or kicked (ACCOUNT_BANNED / ACCOUNT_KICKED). */
  | {
      kind: 'banned' | 'kicked';
      accId: string;
      discordId: string | null;
      source: ObservationSource;
      /** When it was seen (ms since the epoch). */
      at: number;
    }
  /** The account as it is now (ACCOUNT_UPDATED, or a reconciliation read). */
  | {
      kind: 'state';
      account: AccountState;
      source: ObservationSource;
      at: number;
      /** Only update the snapshot, post nothing (the reconciler's first pass). */
      recordOnly?: boolean;
    };

/** Where observations go: stored durably, in order, and processed once. */
export interface Intake {
  /**
   * Stores the observation before answering. `dedupKey` names it across deliveries: the same
   * key within the retention time is stored once (a re-delivered push event).
   */
  accept(observation: AccountObservation, dedupKey: string): Promise<'stored' | 'duplicate'>;
}
