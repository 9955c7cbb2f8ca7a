import type { AccountLookup, Community } from '../community.js';
import { notFound } from '../problem.js';
import { recordView } from '../views.js';
import type { Handlers } from './handler.js';

function requireMember(c: Community, lookup: AccountLookup) {
  const account = c.findAccount(lookup);
  if (!account) throw notFound('No member matches that identifier.', 'MEMBER NOT FOUND');
  return account;
}

function recordsOf(c: Community, accId: string) {
  return c.data.records.filter((r) => r.accId === accId).map(recordView);
}

export const disciplinaryHandlers = {
  getMemberPoints: ({ params }, c) =>
    c.memberPoints(requireMember(c, { accId: params.accountId }).accId),
  getMemberRecords: ({ params }, c) =>
    recordsOf(c, requireMember(c, { accId: params.accountId }).accId),
  addMemberRecord: ({ params, body }, c) => {
    const account = requireMember(c, { accId: params.accountId });
    return [recordView(c.addRecord(account.accId, body.points, body.reason))];
  },
  updateMemberRecordPoints: ({ params, body }, c) => [
    recordView(c.updateRecord(c.requireRecord(params.recordId), body)),
  ],
  updateMemberRecordReason: ({ params, body }, c) => [
    recordView(c.updateRecord(c.requireRecord(params.recordId), body)),
  ],
  updateMemberRecordStatus: ({ params, body }, c) => [
    recordView(c.updateRecord(c.requireRecord(params.recordId), body)),
  ],
  'v1.getMemberPoints': ({ data }, c) => c.memberPoints(requireMember(c, data).accId),
  'v1.getMemberRecords': ({ data }, c) => recordsOf(c, requireMember(c, data).accId),
  'v1.addMemberRecord': ({ data }, c) =>
    recordView(c.addRecord(requireMember(c, data).accId, data.points, data.reason)),
  'v1.updateMemberRecordPoints': ({ data }, c) =>
    recordView(c.updateRecord(c.requireRecord(data.recordId), { points: data.points })),
  'v1.updateMemberRecordReason': ({ data }, c) =>
    recordView(c.updateRecord(c.requireRecord(data.recordId), { reason: data.reason })),
} satisfies Partial<Handlers>;
