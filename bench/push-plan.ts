import { EXAMPLE } from '../src/cms/catalog/examples.js';

/**
 * What bench:push sends: valid events that each make exactly one audit notice (a distinct
 * account each, so no diff finds "nothing new"), with the invalid ones spread among them.
 */

export type RequestKind = 'valid' | 'bad-key' | 'bad-json' | 'unknown-type' | 'missing-field';
const INVALID_KINDS: RequestKind[] = ['bad-key', 'bad-json', 'unknown-type', 'missing-field'];

export interface PlannedRequest {
  kind: RequestKind;
  /** The valid event's sequence number (in its account id), else -1. */
  seq: number;
  body: string;
}

/** The account id that carries a sequence number into the notice (`bench-0000123`). */
export function accountIdOf(seq: number, prefix = 'bench'): string {
  return `${prefix}-${String(seq).padStart(7, '0')}`;
}

/** The sequence number in a notice's "CMS account" field, or null for other notices. */
export function seqOfNotice(fieldValue: string, prefix = 'bench'): number | null {
  const match = new RegExp(`^\`${prefix}-(\\d{7})\`$`).exec(fieldValue);
  return match ? Number(match[1]) : null;
}

/**
 * One valid event: in turn a first sighting (ACCOUNT_UPDATED, the docs' shape with two of the
 * community's ranks, so the notice names them), a ban and a kick, each of a new account.
 */
function validEvent(seq: number, key: string, prefix: string) {
  const accId = accountIdOf(seq, prefix);
  switch (seq % 3) {
    case 0:
      return {
        key,
        type: 'ACCOUNT_UPDATED',
        data: {
          discordId: null,
          accId,
          comStatus: true,
          accName: `Bench Member ${seq}`,
          comName: `Bench Member ${seq}`,
          primaryIdentifier: `1A-${seq}`,
          secondaryIdentifiers: [],
          primaryRank: EXAMPLE.secondRankId,
          secondaryRanks: [EXAMPLE.rankId],
          primaryDepartment: null,
          secondaryDepartments: [],
          joinDate: '2022-02-22 20:28:40.000 -0800',
          owner: false,
          banned: false,
          lastLogin: '2022-02-22 22:43:46.000 -0800',
          activeApiIds: [],
        },
      };
    case 1:
      return { key, type: 'ACCOUNT_BANNED', data: { discordId: null, accountId: accId } };
    default:
      return { key, type: 'ACCOUNT_KICKED', data: { discordId: null, accountId: accId } };
  }
}

function invalidBody(kind: RequestKind, n: number, key: string): string {
  const removed = { discordId: null, accountId: accountIdOf(n, 'invalid') };
  switch (kind) {
    case 'bad-key':
      return JSON.stringify({ key: `not-the-key-${n}`, type: 'ACCOUNT_BANNED', data: removed });
    case 'bad-json':
      return `{"key": "${key}", "type": "ACCOUNT_BANNED", "data": {`;
    case 'unknown-type':
      return JSON.stringify({ key, type: 'ACCOUNT_DELETED', data: removed });
    default:
      return JSON.stringify({ key, type: 'ACCOUNT_BANNED', data: { discordId: null } });
  }
}

/**
 * `events` valid requests with `invalidShare` of all requests invalid (the four kinds in turn),
 * evenly interleaved. Valid events are numbered from `firstSeq`, so batches planned one after
 * another (bench:soak) name distinct accounts.
 */
export function plan(
  events: number,
  invalidShare: number,
  key: string,
  prefix = 'bench',
  firstSeq = 0,
): PlannedRequest[] {
  const invalid = Math.round((events * invalidShare) / (1 - invalidShare));
  const total = events + invalid;
  const requests: PlannedRequest[] = [];
  let seq = firstSeq;
  let bad = 0;
  for (let i = 0; i < total; i += 1) {
    // Bresenham-style spreading: the invalid ones land evenly among the valid ones.
    const invalidDue = Math.floor(((i + 1) * invalid) / total) > bad;
    if (invalidDue) {
      const kind = INVALID_KINDS[bad % INVALID_KINDS.length]!;
      requests.push({ kind, seq: -1, body: invalidBody(kind, bad, key) });
      bad += 1;
    } else {
      requests.push({ kind: 'valid', seq, body: JSON.stringify(validEvent(seq, key, prefix)) });
      seq += 1;
    }
  }
  return requests;
}
