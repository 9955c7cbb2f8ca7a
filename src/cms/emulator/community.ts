import { randomUUID } from 'node:crypto';
import { badRequest, notFound } from './problem.js';

/** The emulated community's records. Handlers read and change these; writes show in later reads. */

export interface Identifier {
  id: string;
  type: string;
  value: string;
  verified: boolean;
  createdAt: string;
}

export interface Account {
  accId: string;
  username: string;
  accName: string;
  comName: string;
  uniqueId: number;
  sysStatus: boolean;
  comStatus: boolean;
  archived: boolean;
  banned: boolean;
  owner: boolean;
  joinDate: string;
  lastLogin: string | null;
  callsign: string | null;
  bio: string | null;
  ranks: string[];
  identifiers: Identifier[];
  profileFields: { id: string; value: unknown }[];
}

export interface Rank {
  id: string;
  label: string;
  primaryOnly: boolean;
  secondaryOnly: boolean;
  power: number;
}

export interface Department {
  uuid: string;
  label: string;
  labelTwo: string | null;
  ranks: Rank[];
}

export interface ClockRow {
  id: string;
  accId: string;
  startTime: string;
  endTime: string | null;
  completed: boolean;
  notes: unknown[];
  type: string;
}

export interface Server {
  id: number;
  name: string;
  description: string;
  ip: string;
  port: string;
  type: string;
  typeLastUpdated: string;
  robloxJoinCode: string;
  aceMappings: Record<string, unknown>[];
  /** Ranks that may join; an empty list lets every active member in. */
  whitelistRanks: string[];
}

export interface Session {
  id: string;
  sysStatus: boolean;
  serverId: number;
  startedBy: string;
  startedAt: string;
  endedBy: string | null;
  endedAt: string | null;
  cancelledBy: string | null;
}

export interface ActivityRow {
  id: string;
  status: boolean;
  accId: string;
  serverId: number;
  start: string;
  end: string | null;
  clearReason: string | null;
}

export interface DisciplinaryRecord {
  id: string;
  status: boolean;
  accId: string;
  source: string;
  sourceId: string;
  points: number;
  reason: string;
  metadata: Record<string, unknown>;
  history: Record<string, unknown>;
  createdAt: string;
  updatedAt: string | null;
}

export interface FormTemplate {
  id: number;
  label: string;
  locked: boolean;
  stageGroupId: string;
  stages: { id: string; label: string }[];
}

export interface FormSubmission {
  formId: number;
  templateId: number;
  submitter: string;
  submittedAt: string;
  lastActionAt: string;
  stageId: string;
  fields: { label: string; value: string }[];
}

export interface Roster {
  id: number;
  label: string;
  departmentId: string;
}

export interface CalendarEvent {
  id: string;
  title: string;
  startsAt: string;
  rsvps: string[];
}

export interface ErlcServer {
  joinCode: string;
  players: { Player: string; Permission: string; Callsign: string; Team: string }[];
  queueLength: number;
  teamCaps: Record<string, number>;
  commands: { type: string; args: string; by: string }[];
  records: { type: string; reason: string; points: number; by: string }[];
}

export interface PromotionFlow {
  id: string;
  labelFrom: string;
  labelTo: string;
  ranksToAdd: string[];
  ranksToRemove: string[];
}

export interface RankChange {
  undoId: string;
  accId: string;
  previousRanks: string[];
  currentRanks: string[];
  logId: string;
  undone: boolean;
}

export interface CommunityData {
  id: string;
  uuid: string;
  name: string;
  subVersion: number;
  accounts: Account[];
  departments: Department[];
  clockInTypes: { id: string; label: string }[];
  customLogTypes: { id: string; label: string; shortCode: string }[];
  profileFieldDefinitions: { id: string; label: string; type: string; options: string[] | null }[];
  clockRows: ClockRow[];
  servers: Server[];
  sessions: Session[];
  activity: ActivityRow[];
  records: DisciplinaryRecord[];
  formTemplates: FormTemplate[];
  formSubmissions: FormSubmission[];
  rosters: Roster[];
  events: CalendarEvent[];
  erlc: ErlcServer[];
  promotionFlows: PromotionFlow[];
  rankChanges: RankChange[];
  shortUrls: { path: string; redirect: string }[];
}

export type AccountChange = 'ACCOUNT_KICKED' | 'ACCOUNT_BANNED' | 'ACCOUNT_UPDATED';

/** How an account is named in a request: v1 lookups, v2 search keys and v2 query identifiers. */
export interface AccountLookup {
  accId?: string;
  accountId?: string;
  apiId?: string;
  username?: string;
  discord?: string;
  discordId?: string;
  uniqueId?: number | string;
}

export const SUB_VERSION_TIERS = ['Free', 'Starter', 'Standard', 'Plus', 'Pro', 'SonoranOne'];

export class Community {
  private readonly listeners: ((change: AccountChange, account: Account) => void)[] = [];

  constructor(readonly data: CommunityData) {}

  /** Called after every kick, ban and account update, in order; the push sender listens here. */
  onAccountChange(listener: (change: AccountChange, account: Account) => void): void {
    this.listeners.push(listener);
  }

  notify(change: AccountChange, account: Account): void {
    for (const listener of this.listeners) listener(change, account);
  }

  now(): string {
    return new Date().toISOString();
  }

  newId(): string {
    return randomUUID();
  }

  // Accounts ------------------------------------------------------------------------------

  findAccount(lookup: AccountLookup): Account | undefined {
    const { accounts } = this.data;
    const accId = lookup.accId ?? lookup.accountId;
    if (accId !== undefined) return accounts.find((a) => a.accId === accId);
    if (lookup.username !== undefined)
      return accounts.find((a) => a.username.toLowerCase() === lookup.username!.toLowerCase());
    if (lookup.uniqueId !== undefined)
      return accounts.find((a) => a.uniqueId === Number(lookup.uniqueId));
    const discord = lookup.discord ?? lookup.discordId;
    if (discord !== undefined)
      return accounts.find((a) => this.identifierValue(a, 'discord') === discord);
    // An API id is any verified identifier's value (Discord id, Steam hex, Roblox id, ...).
    const apiId = lookup.apiId;
    if (apiId !== undefined)
      return accounts.find((a) =>
        a.identifiers.some(
          (i) => i.verified && (i.value === apiId || `${i.type}:${i.value}` === apiId),
        ),
      );
    return undefined;
  }

  /** The account or the documented "not found" answer (v1 text depends on how it was named). */
  requireAccount(lookup: AccountLookup): Account {
    const account = this.findAccount(lookup);
    if (account) return account;
    const byApiId =
      lookup.apiId !== undefined || lookup.discord !== undefined || lookup.discordId !== undefined;
    throw notFound(
      `No account matches ${describeLookup(lookup)}.`,
      byApiId
        ? 'API ID NOT LINKED TO AN ACCOUNT IN THIS COMMUNITY'
        : 'NO ACCOUNT FOUND UNDER GIVEN PARAMETERS IN THIS COMMUNITY',
    );
  }

  identifierValue(account: Account, type: string): string | null {
    return account.identifiers.find((i) => i.type === type && i.verified)?.value ?? null;
  }

  /** v2 lists API ids as "type:value"; v1 lists the bare values. */
  activeApiIds(account: Account, style: 'typed' | 'bare' = 'typed'): string[] {
    return account.identifiers
      .filter((i) => i.verified)
      .map((i) => (style === 'typed' ? `${i.type}:${i.value}` : i.value));
  }

  isActiveMember(account: Account): boolean {
    return account.sysStatus && account.comStatus && !account.banned && !account.archived;
  }

  /** Applies set, then add, then remove (remove wins over add, as the v1 docs say). */
  changeRanks(
    account: Account,
    change: { set?: string[]; add?: string[]; remove?: string[] },
  ): void {
    const unknown = [...(change.set ?? []), ...(change.add ?? []), ...(change.remove ?? [])].filter(
      (id) => !this.findRank(id),
    );
    if (unknown.length > 0)
      throw badRequest(`Unknown rank id(s): ${unknown.join(', ')}.`, 'INVALID RANK ID');
    const previous = [...account.ranks];
    let ranks = change.set ? [...change.set] : [...account.ranks];
    for (const id of change.add ?? []) if (!ranks.includes(id)) ranks.push(id);
    ranks = ranks.filter((id) => !(change.remove ?? []).includes(id));
    account.ranks = ranks;
    if (!sameMembers(previous, ranks)) {
      this.data.rankChanges.push({
        undoId: this.newId(),
        accId: account.accId,
        previousRanks: previous,
        currentRanks: [...ranks],
        logId: this.newId(),
        undone: false,
      });
      this.notify('ACCOUNT_UPDATED', account);
    }
  }

  /**
   * A new member who signed up through the web panel, with a verified Discord identifier: the
   * sandbox gives one to a Discord user trying the bot without an account. The lowest rank of
   * the civilian department, if the community has one.
   */
  createAccount(request: { username: string; discordId: string }): Account {
    const taken = this.findAccount({ discord: request.discordId });
    if (taken) throw badRequest(`The Discord id ${request.discordId} belongs to another account.`);
    const accId = this.newId();
    const now = this.now();
    const username = this.findAccount({ username: request.username })
      ? `${request.username}-${accId.slice(0, 4)}`
      : request.username;
    const civilian = this.data.departments.find(
      (d) => /civil/i.test(d.label) && d.ranks.length > 0,
    );
    const lowest = civilian?.ranks.reduce((low, rank) => (rank.power < low.power ? rank : low));
    const account: Account = {
      accId,
      username,
      accName: request.username,
      comName: request.username,
      uniqueId: Math.max(0, ...this.data.accounts.map((a) => a.uniqueId)) + 1,
      sysStatus: true,
      comStatus: true,
      archived: false,
      banned: false,
      owner: false,
      joinDate: now,
      lastLogin: now,
      callsign: null,
      bio: null,
      ranks: lowest ? [lowest.id] : [],
      identifiers: [
        {
          id: this.newId(),
          type: 'discord',
          value: request.discordId,
          verified: true,
          createdAt: now,
        },
      ],
      profileFields: [{ id: 'discord', value: request.discordId }],
    };
    this.data.accounts.push(account);
    return account;
  }

  /**
   * Out of this community: `comStatus` goes false, ranks go and an open clock closes.
   * `sysStatus` is the account's Sonoran-wide status, which no community changes. Kicking an
   * account already out changes nothing and pushes nothing.
   */
  kick(account: Account): void {
    if (!account.comStatus) return;
    account.comStatus = false;
    account.ranks = [];
    this.closeOpenClock(account.accId);
    this.notify('ACCOUNT_KICKED', account);
  }

  /** A kick that also marks the account banned; `sysStatus` stays, as for a kick. A repeat changes nothing. */
  ban(account: Account): void {
    if (account.banned) return;
    account.banned = true;
    account.comStatus = false;
    account.ranks = [];
    this.closeOpenClock(account.accId);
    this.notify('ACCOUNT_BANNED', account);
  }

  /** Field changes made by the admin API, as if staff edited the account in the web panel. */
  updateAccount(
    account: Account,
    changes: Partial<
      Pick<Account, 'accName' | 'comName' | 'callsign' | 'comStatus' | 'archived'>
    > & { ranks?: string[] },
  ): void {
    const { ranks, ...fields } = changes;
    Object.assign(account, fields);
    if (ranks) this.changeRanks(account, { set: ranks });
    else this.notify('ACCOUNT_UPDATED', account);
  }

  // Departments and ranks -------------------------------------------------------------------

  findRank(rankId: string): { rank: Rank; department: Department } | undefined {
    for (const department of this.data.departments) {
      const rank = department.ranks.find((r) => r.id === rankId);
      if (rank) return { rank, department };
    }
    return undefined;
  }

  // Clock -------------------------------------------------------------------------------------

  openClock(accId: string): ClockRow | undefined {
    return this.data.clockRows.find((row) => row.accId === accId && !row.completed);
  }

  requireClockInType(type: string): void {
    if (!this.data.clockInTypes.some((t) => t.id === type))
      throw badRequest(`Unknown clock-in type "${type}".`);
  }

  clockIn(accId: string, type: string): ClockRow {
    this.requireClockInType(type);
    const row: ClockRow = {
      id: this.newId(),
      accId,
      startTime: this.now(),
      endTime: null,
      completed: false,
      notes: [],
      type,
    };
    this.data.clockRows.push(row);
    return row;
  }

  closeOpenClock(accId: string): ClockRow | undefined {
    const row = this.openClock(accId);
    if (row) {
      row.endTime = this.now();
      row.completed = true;
    }
    return row;
  }

  // Servers -------------------------------------------------------------------------------------

  /** v1 answers INVALID_SERVER with 400, as the v1 session pages list it; v2 answers 404. */
  requireServer(serverId: number): Server {
    const server = this.data.servers.find((s) => s.id === serverId);
    if (!server) throw notFound(`Server ${serverId} does not exist.`, 'INVALID_SERVER', 400);
    return server;
  }

  isWhitelisted(account: Account, server: Server): boolean {
    if (!this.isActiveMember(account)) return false;
    return (
      server.whitelistRanks.length === 0 ||
      account.ranks.some((rank) => server.whitelistRanks.includes(rank))
    );
  }

  // Disciplinary ----------------------------------------------------------------------------------

  requireRecord(recordId: string): DisciplinaryRecord {
    const record = this.data.records.find((r) => r.id === recordId);
    if (!record)
      throw notFound(`Disciplinary record ${recordId} does not exist.`, 'MEMBER NOT FOUND');
    return record;
  }

  addRecord(accId: string, points: number, reason: string): DisciplinaryRecord {
    const at = this.now();
    const metadata = { executionSource: 'api' };
    const record: DisciplinaryRecord = {
      id: this.newId(),
      status: true,
      accId,
      source: 'api',
      sourceId: 'api-request',
      points,
      reason,
      metadata,
      history: {
        [at]: {
          action: 'init',
          points,
          reason,
          metadata,
          timestamp: at,
          source: 'api',
          sourceId: 'api-request',
        },
      },
      createdAt: at,
      updatedAt: null,
    };
    this.data.records.push(record);
    return record;
  }

  updateRecord(
    record: DisciplinaryRecord,
    change: { points?: number; reason?: string; status?: boolean },
  ): DisciplinaryRecord {
    const at = this.now();
    Object.assign(record, change, { updatedAt: at });
    record.history[at] = {
      action: 'update',
      ...change,
      timestamp: at,
      source: 'api',
      sourceId: 'api-request',
    };
    return record;
  }

  memberPoints(accId: string): number {
    return this.data.records
      .filter((r) => r.accId === accId && r.status)
      .reduce((sum, r) => sum + r.points, 0);
  }

  // Sessions ----------------------------------------------------------------------------------------

  runningSession(serverId: number): Session | undefined {
    return this.data.sessions.find(
      (s) => s.serverId === serverId && s.sysStatus && !s.endedAt && !s.cancelledBy,
    );
  }
}

function sameMembers(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function describeLookup(lookup: AccountLookup): string {
  return (
    Object.entries(lookup)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(', ') || 'no identifier'
  );
}
