import { z } from 'zod';
import { EXAMPLE } from '../examples.js';
import { v2 } from '../operation.js';
import { guid } from '../shapes.js';

export const eventOperations = {
  createRsvp: v2({
    section: 'events',
    summary: 'Toggle the RSVP of an account for an event.',
    method: 'POST',
    path: '/v2/community/events/{eventId}/rsvps',
    limitPerMinute: 27,
    // A toggle: a second send undoes the first.
    input: z.strictObject({
      params: z.strictObject({ eventId: guid }),
      body: z.strictObject({ accId: guid }),
    }),
    output: z.enum(['RSVP_SUCCESS', 'UNRSVP_SUCCESS']),
    example: { params: { eventId: EXAMPLE.eventId }, body: { accId: EXAMPLE.accountId } },
  }),
};
