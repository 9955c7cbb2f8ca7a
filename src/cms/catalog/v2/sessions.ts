import { z } from 'zod';
import { EXAMPLE } from '../examples.js';
import { v2 } from '../operation.js';
import { guid, sessionRow, textPositiveInt } from '../shapes.js';

const sessionBody = z.strictObject({ serverId: z.number().int().positive(), accId: guid });
const exampleBody = { serverId: EXAMPLE.serverId, accId: EXAMPLE.accountId };

export const sessionOperations = {
  getCurrentSession: v2({
    section: 'sessions',
    summary: 'Retrieve the running session of a server.',
    method: 'GET',
    path: '/v2/community/sessions/current',
    limitPerMinute: 27,
    input: z.strictObject({ query: z.strictObject({ serverId: textPositiveInt }) }),
    output: sessionRow,
    example: { query: { serverId: EXAMPLE.serverId } },
  }),
  startSession: v2({
    section: 'sessions',
    summary: 'Start a new session on a server.',
    method: 'POST',
    path: '/v2/community/sessions',
    limitPerMinute: 27,
    successStatus: 201,
    input: z.strictObject({ body: sessionBody }),
    output: sessionRow,
    example: { body: exampleBody },
  }),
  stopSession: v2({
    section: 'sessions',
    summary: 'Stop the running session of a server.',
    method: 'PATCH',
    path: '/v2/community/sessions',
    limitPerMinute: 27,
    input: z.strictObject({ body: sessionBody }),
    output: sessionRow,
    example: { body: exampleBody },
  }),
  cancelSession: v2({
    section: 'sessions',
    summary: 'Cancel the running session of a server (answers 204, no body).',
    method: 'DELETE',
    path: '/v2/community/sessions',
    limitPerMinute: 9,
    successStatus: 204,
    input: z.strictObject({ body: sessionBody }),
    output: z.null(),
    example: { body: exampleBody },
  }),
};
