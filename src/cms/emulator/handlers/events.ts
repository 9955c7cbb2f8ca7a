import type { Community } from '../community.js';
import { notFound } from '../problem.js';
import type { Handlers } from './handler.js';

/** RSVP is a toggle: the first call adds the account, the next removes it. */
function toggleRsvp(c: Community, eventId: string, accId: string) {
  const event = c.data.events.find((e) => e.id === eventId);
  if (!event) throw notFound(`Event ${eventId} does not exist.`, 'EVENT NOT FOUND');
  if (event.rsvps.includes(accId)) {
    event.rsvps = event.rsvps.filter((id) => id !== accId);
    return 'UNRSVP_SUCCESS' as const;
  }
  event.rsvps.push(accId);
  return 'RSVP_SUCCESS' as const;
}

export const eventHandlers = {
  createRsvp: ({ params, body }, c) =>
    toggleRsvp(c, params.eventId, c.requireAccount({ accId: body.accId }).accId),
  'v1.rsvp': ({ data: [request] }, c) =>
    toggleRsvp(c, request.eventId, c.requireAccount(request).accId),
} satisfies Partial<Handlers>;
