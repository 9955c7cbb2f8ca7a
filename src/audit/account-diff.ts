import type { AccountObservation, AccountState } from './observations.js';
import type { RankNames } from './rank-names.js';

/** What the audit pipeline keeps of an account: the last state it knew. */
export type AccountSnapshot = AccountState & {
  /**
   * When the newest observation behind it was made (for a CMS read, when the request left): an
   * observation made before this may show an older state and is set aside (see AuditIntake).
   * Missing in snapshots stored before it existed.
   */
  seenAt?: number;
};

/** How an observation changed an account, as the audit channel shows it. */
export type AccountChangeKind = 'banned' | 'kicked' | 'unbanned' | 'rejoined' | 'updated';

export interface AccountChange {
  kind: AccountChangeKind;
  /** What changed, in words ("rank Officer -> Sergeant", "department added: Fire"). */
  details: string[];
  /** Seen for the first time: the details are its current state, not a change. */
  firstSighting: boolean;
}

export interface DiffResult {
  /** Null when nothing worth a notice changed. */
  change: AccountChange | null;
  /** The snapshot to keep from now on. */
  next: AccountSnapshot;
}

function rankLabel(names: RankNames, id: string): string {
  return names.get(id)?.rank ?? `unknown rank ${id}`;
}

function departmentOf(names: RankNames, id: string): string {
  return names.get(id)?.department ?? 'an unknown department';
}

/** "Police: Officer" for each rank, the way a first sighting lists them. */
function describeRanks(names: RankNames, ranks: string[]): string[] {
  return ranks.map((id) =>
    names.has(id) ? `${departmentOf(names, id)}: ${rankLabel(names, id)}` : `unknown rank ${id}`,
  );
}

/**
 * Rank changes in words, department by department: a department gained or lost, and within one
 * a rank replaced ("rank Officer -> Sergeant") or added and removed.
 */
function rankChanges(names: RankNames, before: string[], after: string[]): string[] {
  const departments = (ranks: string[]) => {
    const byDepartment = new Map<string, string[]>();
    for (const id of ranks) {
      const key = names.get(id)?.departmentId ?? `?${id}`;
      byDepartment.set(key, [...(byDepartment.get(key) ?? []), id]);
    }
    return byDepartment;
  };
  const was = departments(before);
  const now = departments(after);
  const lines: string[] = [];
  for (const [key, ranks] of now) {
    const previous = was.get(key);
    if (!previous) {
      lines.push(
        `department added: ${departmentOf(names, ranks[0]!)} (${ranks.map((id) => rankLabel(names, id)).join(', ')})`,
      );
      continue;
    }
    const removed = previous.filter((id) => !ranks.includes(id));
    const added = ranks.filter((id) => !previous.includes(id));
    if (removed.length === 1 && added.length === 1)
      lines.push(`rank ${rankLabel(names, removed[0]!)} -> ${rankLabel(names, added[0]!)}`);
    else {
      for (const id of added) lines.push(`rank added: ${rankLabel(names, id)}`);
      for (const id of removed) lines.push(`rank removed: ${rankLabel(names, id)}`);
    }
  }
  for (const [key, ranks] of was)
    if (!now.has(key)) lines.push(`department removed: ${departmentOf(names, ranks[0]!)}`);
  return lines;
}

/**
 * Compares what a source saw of an account with the last snapshot. Only a change is news: an
 * observation of what the snapshot already says (a push event the reconciler saw first, or the
 * other way round, or one delivered twice) changes nothing and posts nothing.
 */
export function diffAccount(
  previous: AccountSnapshot | null,
  observation: AccountObservation,
  names: RankNames,
): DiffResult {
  if (observation.kind !== 'state') {
    const base: AccountSnapshot = previous ?? {
      accId: observation.accId,
      discordId: observation.discordId,
      name: observation.accId,
      comStatus: true,
      banned: false,
      ranks: null,
    };
    const next: AccountSnapshot =
      observation.kind === 'banned'
        ? { ...base, banned: true, comStatus: false }
        : { ...base, comStatus: false };
    const already =
      observation.kind === 'banned' ? previous?.banned === true : previous?.comStatus === false;
    return {
      change: already ? null : { kind: observation.kind, details: [], firstSighting: false },
      next,
    };
  }

  // Ranks are not compared while the account is out of the community: leaving (a kick, a ban)
  // takes them, and its own notice says so.
  const seen = observation.account.comStatus
    ? observation.account
    : { ...observation.account, ranks: null };
  // A source without ranks (a Get Accounts row) leaves the known ranks as they were.
  const next: AccountSnapshot = { ...seen, ranks: seen.ranks ?? previous?.ranks ?? null };
  if (!previous) {
    const details = [
      `status: ${seen.banned ? 'banned' : seen.comStatus ? 'member' : 'not a member'}`,
      ...(next.ranks ? describeRanks(names, next.ranks) : []),
    ];
    return { change: { kind: 'updated', details, firstSighting: true }, next };
  }
  if (seen.banned && !previous.banned)
    return { change: { kind: 'banned', details: [], firstSighting: false }, next };
  if (!seen.comStatus && previous.comStatus && !seen.banned)
    return { change: { kind: 'kicked', details: [], firstSighting: false }, next };

  const details: string[] = [];
  if (!seen.banned && previous.banned) details.push('unbanned');
  if (seen.comStatus && !previous.comStatus) details.push('back in the community');
  if (seen.name !== previous.name) details.push(`name ${previous.name} -> ${seen.name}`);
  if (seen.ranks && previous.ranks) details.push(...rankChanges(names, previous.ranks, seen.ranks));
  // The snapshot came from a read without ranks (a Get Accounts row): what changed in them is
  // unknown. A push event says something changed: show the ranks as they are now. (A read
  // with ranks just fills them in, quietly.)
  if (seen.ranks && !previous.ranks && observation.source === 'push' && seen.ranks.length > 0)
    details.push(`ranks now: ${describeRanks(names, seen.ranks).join(', ')}`);
  if (seen.discordId !== previous.discordId)
    details.push(seen.discordId ? 'Discord linked' : 'Discord unlinked');
  if (details.length === 0) return { change: null, next };
  const kind: AccountChangeKind =
    details[0] === 'unbanned'
      ? 'unbanned'
      : details[0] === 'back in the community'
        ? 'rejoined'
        : 'updated';
  return { change: { kind, details, firstSighting: false }, next };
}
