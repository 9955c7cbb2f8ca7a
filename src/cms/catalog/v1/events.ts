import { z } from 'zod';
import { EXAMPLE } from '../examples.js';
import { v1 } from '../operation.js';
import { nonEmpty, withAccountLookup } from '../shapes.js';

export const v1EventOperations = {
  'v1.rsvp': v1({
    section: 'events',
    summary: 'Toggle the RSVP of an account for an event.',
    path: '/events/rsvp',
    type: 'RSVP',
    limitLike: 'createRsvp',
    answers: 'text',
    input: z.strictObject({ data: z.tuple([withAccountLookup({ eventId: nonEmpty })]) }),
    output: z.enum(['RSVP_SUCCESS', 'UNRSVP_SUCCESS']),
    example: { data: [{ accId: EXAMPLE.accountId, eventId: EXAMPLE.eventId }] },
  }),
};
