import type { Account, Community } from '../community.js';
import { badRequest, forbidden } from '../problem.js';
import { clockView } from '../views.js';
import type { Handlers } from './handler.js';

const DEFAULT_CLOCK_TYPE = 'regular';

function requireMember(c: Community, account: Account): Account {
  if (!c.isActiveMember(account))
    throw forbidden(
      `${account.accName} is not an active member of this community.`,
      'ACCOUNT NOT ACTIVE',
    );
  return account;
}

function currentClock(c: Community, account: Account) {
  const row = c.openClock(account.accId);
  return row ? clockView(row) : ('Not Clocked In' as const);
}

export const clockHandlers = {
  clockAccount: ({ params, body }, c) => {
    if (body.accId !== params.accountId)
      throw badRequest('accId in the body does not match the route.');
    const account = requireMember(c, c.requireAccount({ accId: params.accountId }));
    c.requireClockInType(body.type);
    const open = c.openClock(account.accId);
    // Clocking in while in, or out while out, writes nothing and answers `true`.
    if (body.intention === 'in')
      return open ? true : clockView(c.clockIn(account.accId, body.type));
    return open ? clockView(c.closeOpenClock(account.accId)!) : true;
  },
  getCurrentClockIn: ({ params, query }, c) => {
    const account = c.requireAccount({ accId: params.accountId });
    // The query names the account again; naming someone else is a contradiction, not a lookup.
    if (c.requireAccount(query) !== account)
      throw badRequest('The query identifier names another account than the route.');
    return currentClock(c, account);
  },
  getLatestActivity: ({ params, query }, c) => {
    const account = c.requireAccount({ accId: params.accountId });
    if (query.type === 'activity') {
      return c.data.activity
        .filter(
          (row) =>
            row.accId === account.accId &&
            (query.serverId === undefined || row.serverId === query.serverId),
        )
        .slice(-10)
        .reverse()
        .map((row) => ({ ...row }));
    }
    return c.data.clockRows
      .filter(
        (row) =>
          row.accId === account.accId &&
          (query.clockInType === undefined || row.type === query.clockInType),
      )
      .slice(-3)
      .reverse()
      .map(clockView);
  },
  'v1.clockInOut': ({ data: [request] }, c) => {
    const account = requireMember(c, c.requireAccount(request));
    if (request.forceClockIn) {
      c.closeOpenClock(account.accId);
      c.clockIn(account.accId, DEFAULT_CLOCK_TYPE);
      return 'FORCE CLOCKED IN';
    }
    if (request.forceClockOut || c.openClock(account.accId)) {
      c.closeOpenClock(account.accId);
      return 'CLOCKED OUT';
    }
    c.clockIn(account.accId, DEFAULT_CLOCK_TYPE);
    return 'CLOCKED IN';
  },
  'v1.getCurrentClockIn': ({ data }, c) => currentClock(c, c.requireAccount(data)),
} satisfies Partial<Handlers>;
