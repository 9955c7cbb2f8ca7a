import { z } from 'zod';
import { EXAMPLE } from '../examples.js';
import { v2 } from '../operation.js';
import { disciplinaryRecord, guid, nonEmpty, textInt } from '../shapes.js';

const accountParams = z.strictObject({ accountId: guid });
const recordParams = z.strictObject({ recordId: guid });
const memberQuery = z
  .strictObject({
    accId: guid.optional(),
    apiId: nonEmpty.optional(),
    username: nonEmpty.optional(),
    discordId: nonEmpty.optional(),
    uniqueId: textInt.optional(),
  })
  .optional();

export const disciplinaryOperations = {
  getMemberPoints: v2({
    section: 'disciplinary',
    summary: 'Retrieve the disciplinary point total of a member.',
    method: 'GET',
    path: '/v2/community/disciplinary/accounts/{accountId}/points',
    limitPerMinute: 27,
    input: z.strictObject({ params: accountParams, query: memberQuery }),
    output: z.number(),
    example: { params: { accountId: EXAMPLE.accountId }, query: { accId: EXAMPLE.accountId } },
  }),
  getMemberRecords: v2({
    section: 'disciplinary',
    summary: 'Retrieve the disciplinary records of a member.',
    method: 'GET',
    path: '/v2/community/disciplinary/accounts/{accountId}/records',
    limitPerMinute: 27,
    input: z.strictObject({ params: accountParams, query: memberQuery }),
    output: z.array(disciplinaryRecord),
    example: { params: { accountId: EXAMPLE.accountId }, query: { accId: EXAMPLE.accountId } },
  }),
  addMemberRecord: v2({
    section: 'disciplinary',
    summary: 'Create a disciplinary record for a member.',
    method: 'POST',
    path: '/v2/community/disciplinary/accounts/{accountId}/records',
    limitPerMinute: 18,
    successStatus: 201,
    input: z.strictObject({
      params: accountParams,
      body: z.strictObject({ points: z.number().int().nonnegative(), reason: nonEmpty }),
    }),
    output: z.array(disciplinaryRecord),
    example: {
      params: { accountId: EXAMPLE.accountId },
      body: { points: 5, reason: 'Training violation' },
    },
  }),
  updateMemberRecordPoints: v2({
    section: 'disciplinary',
    summary: 'Change the points of a disciplinary record.',
    method: 'PATCH',
    path: '/v2/community/disciplinary/records/{recordId}/points',
    limitPerMinute: 18,
    idempotent: true,
    input: z.strictObject({
      params: recordParams,
      body: z.strictObject({ points: z.number().int().nonnegative() }),
    }),
    output: z.array(disciplinaryRecord),
    example: { params: { recordId: EXAMPLE.recordId }, body: { points: 10 } },
  }),
  updateMemberRecordReason: v2({
    section: 'disciplinary',
    summary: 'Change the reason of a disciplinary record.',
    method: 'PATCH',
    path: '/v2/community/disciplinary/records/{recordId}/reason',
    limitPerMinute: 18,
    idempotent: true,
    input: z.strictObject({ params: recordParams, body: z.strictObject({ reason: nonEmpty }) }),
    output: z.array(disciplinaryRecord),
    example: { params: { recordId: EXAMPLE.recordId }, body: { reason: 'Updated reason' } },
  }),
  updateMemberRecordStatus: v2({
    section: 'disciplinary',
    summary: 'Activate or void a disciplinary record.',
    method: 'PATCH',
    path: '/v2/community/disciplinary/records/{recordId}/status',
    limitPerMinute: 18,
    idempotent: true,
    input: z.strictObject({ params: recordParams, body: z.strictObject({ status: z.boolean() }) }),
    output: z.array(disciplinaryRecord),
    example: { params: { recordId: EXAMPLE.recordId }, body: { status: true } },
  }),
};
