import type { Community } from '../community.js';
import { notFound } from '../problem.js';
import type { Handlers } from './handler.js';

const cosmetic = { font: null, textColor: null, color: null, align: null };
const COLUMNS = [
  {
    field: 'name',
    type: 'text',
    mask: '',
    reverseMask: false,
    label: 'Name',
    options: [],
    metadata: {},
    cosmetic,
    style: {},
  },
  {
    field: 'callsign',
    type: 'text',
    mask: '',
    reverseMask: false,
    label: 'Callsign',
    options: [],
    metadata: {},
    cosmetic,
    style: {},
  },
  {
    field: 'rank',
    type: 'rank',
    mask: '',
    reverseMask: false,
    label: 'Rank',
    options: [],
    metadata: {},
    cosmetic,
    style: {},
  },
  {
    field: 'status',
    type: 'status',
    mask: '',
    reverseMask: false,
    label: 'Status',
    options: [],
    metadata: {},
    cosmetic,
    style: {},
  },
];

/** A roster lists the active members of its department, highest rank first. */
function rosterPage(c: Community, rosterId: number, skip: number, limit: number) {
  const roster = c.data.rosters.find((r) => r.id === rosterId);
  if (!roster) throw notFound(`Roster ${rosterId} does not exist.`, 'ROSTER NOT FOUND');
  const department = c.data.departments.find((d) => d.uuid === roster.departmentId);
  const rows = c.data.accounts
    .filter((a) => c.isActiveMember(a))
    .map((account) => {
      const rank = department?.ranks
        .filter((r) => account.ranks.includes(r.id))
        .sort((x, y) => y.power - x.power)[0];
      return rank ? { account, rank } : undefined;
    })
    .filter((row) => row !== undefined)
    .sort((x, y) => y.rank.power - x.rank.power)
    .map(({ account, rank }, index) => ({
      uuid: account.accId,
      entryId: index + 1,
      sortPower: rank.power,
      type: 0,
      overrideColumns: [],
      name: account.accName,
      callsign: account.callsign ?? '',
      rank: rank.label,
      status: c.openClock(account.accId) ? 'On Duty' : 'Off Duty',
    }));
  return {
    rows: rows.slice(skip, skip + limit),
    total: rows.length,
    skip,
    limit,
    columns: COLUMNS.map((col) => ({ ...col })),
  };
}

export const rosterHandlers = {
  getRosterContents: ({ params, query = {} }, c) =>
    rosterPage(c, params.rosterId, query.skip ?? 0, query.limit ?? 25),
  'v1.getRosterContents': ({ data }, c) => rosterPage(c, data.rosterId, data.skip, data.limit),
} satisfies Partial<Handlers>;
