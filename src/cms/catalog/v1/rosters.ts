import { z } from 'zod';
import { EXAMPLE } from '../examples.js';
import { v1 } from '../operation.js';
import { rosterContents } from '../shapes.js';

export const v1RosterOperations = {
  'v1.getRosterContents': v1({
    section: 'rosters',
    summary: 'A page of a roster (at most 50 rows) with its columns.',
    path: '/rosters/get',
    type: 'GET_ROSTER_CONTENTS',
    limitLike: 'getRosterContents',
    idempotent: true,
    input: z.strictObject({
      data: z.strictObject({
        rosterId: z.number().int().positive(),
        skip: z.number().int().nonnegative(),
        limit: z.number().int().min(1).max(50),
      }),
    }),
    output: rosterContents,
    example: { data: { rosterId: EXAMPLE.rosterId, skip: 0, limit: 10 } },
  }),
};
