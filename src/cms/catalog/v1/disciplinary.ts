import { z } from 'zod';
import { EXAMPLE } from '../examples.js';
import { v1 } from '../operation.js';
import { disciplinaryRecord, nonEmpty, withAccountLookup } from '../shapes.js';

const byMember = withAccountLookup({});

export const v1DisciplinaryOperations = {
  'v1.getMemberPoints': v1({
    section: 'disciplinary',
    summary: 'The disciplinary point total of a member.',
    path: '/disciplinary/get_member_points',
    type: 'GET_MEMBER_POINTS',
    limitLike: 'getMemberPoints',
    idempotent: true,
    input: z.strictObject({ data: byMember }),
    output: z.number(),
    example: { data: { accId: EXAMPLE.accountId } },
  }),
  'v1.getMemberRecords': v1({
    section: 'disciplinary',
    summary: 'The disciplinary records of a member.',
    path: '/disciplinary/get_member_records',
    type: 'GET_MEMBER_RECORDS',
    limitLike: 'getMemberRecords',
    idempotent: true,
    input: z.strictObject({ data: byMember }),
    output: z.array(disciplinaryRecord),
    example: { data: { accId: EXAMPLE.accountId } },
  }),
  'v1.addMemberRecord': v1({
    section: 'disciplinary',
    summary: 'Add a disciplinary record to a member.',
    path: '/disciplinary/add_member_record',
    type: 'ADD_MEMBER_RECORD',
    limitLike: 'addMemberRecord',
    input: z.strictObject({
      data: withAccountLookup({ points: z.number().int().nonnegative(), reason: nonEmpty }),
    }),
    output: disciplinaryRecord,
    example: { data: { accId: EXAMPLE.accountId, points: 10, reason: 'Some reason' } },
  }),
  'v1.updateMemberRecordPoints': v1({
    section: 'disciplinary',
    summary: 'Change the points of a disciplinary record.',
    path: '/disciplinary/update_member_record_points',
    type: 'UPDATE_MEMBER_RECORD_POINTS',
    limitLike: 'updateMemberRecordPoints',
    idempotent: true,
    input: z.strictObject({
      data: z.strictObject({ recordId: nonEmpty, points: z.number().int().nonnegative() }),
    }),
    output: disciplinaryRecord,
    example: { data: { recordId: EXAMPLE.recordId, points: 10 } },
  }),
  'v1.updateMemberRecordReason': v1({
    section: 'disciplinary',
    summary: 'Change the reason of a disciplinary record.',
    path: '/disciplinary/update_member_record_reason',
    // The page's sample body repeats UPDATE_MEMBER_RECORD_POINTS; this path has its own type.
    type: 'UPDATE_MEMBER_RECORD_REASON',
    limitLike: 'updateMemberRecordReason',
    idempotent: true,
    input: z.strictObject({ data: z.strictObject({ recordId: nonEmpty, reason: nonEmpty }) }),
    output: disciplinaryRecord,
    example: { data: { recordId: EXAMPLE.recordId, reason: 'Some different reason' } },
  }),
};
