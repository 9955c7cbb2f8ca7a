import type { Account, Community } from '../community.js';
import { badRequest, notFound } from '../problem.js';
import {
  accountDetailView,
  accountRowView,
  accountSummaryView,
  identifierView,
  v1AccountView,
} from '../views.js';
import type { Handlers } from './handler.js';

interface StatusFilter {
  sysStatus?: boolean;
  comStatus?: boolean;
  banned?: boolean;
  archived?: boolean;
}

function filterAccounts(c: Community, filter: StatusFilter): Account[] {
  return c.data.accounts.filter((account) =>
    (['sysStatus', 'comStatus', 'banned', 'archived'] as const).every(
      (key) => filter[key] === undefined || account[key] === filter[key],
    ),
  );
}

function editProfileFields(
  c: Community,
  account: Account,
  fields: { id: string; value: unknown }[],
) {
  const unknown = fields
    .filter((f) => !c.data.profileFieldDefinitions.some((d) => d.id === f.id))
    .map((f) => f.id);
  if (unknown.length > 0)
    throw badRequest(`Unknown profile field(s): ${unknown.join(', ')}.`, 'INVALID PROFILE FIELD');
  for (const field of fields) {
    const existing = account.profileFields.find((f) => f.id === field.id);
    if (existing) existing.value = field.value;
    else account.profileFields.push({ id: field.id, value: field.value });
  }
  c.notify('ACCOUNT_UPDATED', account);
  return account.profileFields.map((f) => ({ ...f }));
}

export const accountHandlers = {
  getAccounts: ({ query = {} }, c) => {
    const skip = query.skip ?? 0;
    const take = query.take ?? 25;
    const matching = filterAccounts(c, query);
    return {
      items: matching.slice(skip, skip + take).map((a) => accountSummaryView(c, a)),
      total: matching.length,
      skip,
      take,
    };
  },
  searchAccounts: ({ query }, c) => {
    const account = c.findAccount(query);
    return { items: account ? [accountSummaryView(c, account)] : [], total: account ? 1 : 0 };
  },
  getAccount: ({ params }, c) =>
    accountDetailView(c, c.requireAccount({ accId: params.accountId })),
  getAccountRanks: ({ params }, c) => [...c.requireAccount({ accId: params.accountId }).ranks],
  getAccountIdentifiers: ({ params }, c) => {
    const account = c.requireAccount({ accId: params.accountId });
    return account.identifiers.map((i) => identifierView(account, i));
  },
  registerIdentifiers: ({ params, body }, c) => {
    const account = c.requireAccount({ accId: params.accountId });
    let changed = false;
    for (const { type, value } of body.identifiers) {
      const taken = c.data.accounts.find(
        (a) => a !== account && a.identifiers.some((i) => i.type === type && i.value === value),
      );
      if (taken) throw badRequest(`The ${type} identifier ${value} belongs to another account.`);
      if (!account.identifiers.some((i) => i.type === type && i.value === value)) {
        account.identifiers.push({
          id: c.newId(),
          type,
          value,
          verified: true,
          createdAt: c.now(),
        });
        changed = true;
      }
    }
    if (changed) c.notify('ACCOUNT_UPDATED', account);
    return body.identifiers.map(({ type, value }) => ({ type, value }));
  },
  setAccountName: ({ params, body }, c) => {
    const account = c.requireAccount({ accId: params.accountId });
    account.comName = body.newName;
    c.notify('ACCOUNT_UPDATED', account);
    return `New Community Name (${account.accId}): ${body.newName}`;
  },
  setAccountRanks: ({ params, body }, c) => {
    const account = c.requireAccount({ accId: params.accountId });
    if (body.accId !== undefined && body.accId !== account.accId)
      throw badRequest('accId in the body does not match the route.');
    if (body.active === true && !account.comStatus) account.comStatus = true;
    c.changeRanks(account, body);
    return accountRowView(c, account);
  },
  editProfileFields: ({ params, body }, c) =>
    editProfileFields(c, c.requireAccount({ accId: params.accountId }), body.profileFields),
  forceSync: ({ params }, c) => {
    const account = c.requireAccount({ accId: params.accountId });
    return `Sync triggered for: ${c.data.name} (${account.accName} - ${account.accId})`;
  },

  'v1.checkComApiId': ({ data: [{ apiId }] }, c) => {
    const account = c.findAccount({ apiId });
    if (!account)
      throw notFound(
        `No account has the API id ${apiId}.`,
        'API ID NOT LINKED TO AN ACCOUNT IN THIS COMMUNITY',
      );
    return account.username;
  },
  'v1.getComAccount': ({ data: [lookup] }, c) => {
    const account = c.requireAccount(lookup);
    return {
      ...v1AccountView(c, account),
      profileFields: { data: account.profileFields.map((f) => ({ ...f })) },
    };
  },
  'v1.getAccounts': ({ data: [filter] }, c) => {
    const skip = filter.skip ?? 0;
    const take = filter.take ?? 25;
    const matching = filterAccounts(c, filter);
    const accounts = matching.slice(skip, skip + take).map((account) => ({
      accId: account.accId,
      accName: account.accName,
      activeApiIds: c.activeApiIds(account, 'bare'),
      discordId: c.identifierValue(account, 'discord'),
      sysStatus: account.sysStatus,
      comStatus: account.comStatus,
      archived: account.archived,
      banned: account.banned,
    }));
    return { total: matching.length, skip, take, accounts };
  },
  'v1.getAccountRanks': ({ data: [lookup] }, c) => [...c.requireAccount(lookup).ranks],
  'v1.setAccountRanks': ({ data: [request] }, c) => {
    const account = c.requireAccount(request);
    c.changeRanks(account, request);
    return [...account.ranks];
  },
  // Both answer their line even when the account was already out (see the catalog rows).
  'v1.kickAccount': ({ data: [lookup] }, c) => {
    c.kick(c.requireAccount(lookup));
    return 'ACCOUNT KICKED';
  },
  'v1.banAccount': ({ data: [lookup] }, c) => {
    c.ban(c.requireAccount(lookup));
    return 'ACCOUNT BANNED';
  },
  'v1.editAccountProfileFields': ({ data: [request] }, c) =>
    editProfileFields(c, c.requireAccount(request), request.profileFields),
} satisfies Partial<Handlers>;
