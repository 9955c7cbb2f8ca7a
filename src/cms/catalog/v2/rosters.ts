import { z } from 'zod';
import { EXAMPLE } from '../examples.js';
import { v2 } from '../operation.js';
import { rosterContents, textInt, textPositiveInt } from '../shapes.js';

export const rosterOperations = {
  getRosterContents: v2({
    section: 'rosters',
    summary: 'Retrieve a page of a roster with its column definitions.',
    method: 'GET',
    path: '/v2/community/rosters/{rosterId}',
    limitPerMinute: 9,
    input: z.strictObject({
      params: z.strictObject({ rosterId: textPositiveInt }),
      query: z
        .strictObject({
          skip: textInt.pipe(z.number().int().nonnegative()).optional(),
          limit: textInt.pipe(z.number().int().min(1).max(50)).optional(),
        })
        .optional(),
    }),
    output: rosterContents,
    example: { params: { rosterId: EXAMPLE.rosterId }, query: { skip: 0, limit: 25 } },
  }),
};
