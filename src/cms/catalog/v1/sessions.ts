import { z } from 'zod';
import { EXAMPLE } from '../examples.js';
import { v1 } from '../operation.js';
import { nonEmpty, sessionRow } from '../shapes.js';

const serverId = z.number().int().positive();
const byServerAndAccount = z.tuple([z.strictObject({ serverId, accId: nonEmpty })]);
const exampleData: [{ serverId: number; accId: string }] = [
  { serverId: EXAMPLE.serverId, accId: EXAMPLE.accountId },
];

export const v1SessionOperations = {
  'v1.getCurrentSession': v1({
    section: 'sessions',
    summary: 'The running session of a server.',
    path: '/sessions/get_current',
    type: 'GET_CURRENT_SESSION',
    limitLike: 'getCurrentSession',
    idempotent: true,
    input: z.strictObject({ data: z.tuple([z.strictObject({ serverId })]) }),
    output: sessionRow,
    example: { data: [{ serverId: EXAMPLE.serverId }] },
  }),
  'v1.startSession': v1({
    section: 'sessions',
    summary: 'Start a new session on a server.',
    path: '/sessions/start',
    type: 'START_SESSION',
    limitLike: 'startSession',
    input: z.strictObject({ data: byServerAndAccount }),
    output: sessionRow,
    example: { data: exampleData },
  }),
  'v1.stopSession': v1({
    section: 'sessions',
    summary: 'Stop the running session of a server.',
    path: '/sessions/stop',
    type: 'STOP_SESSION',
    limitLike: 'stopSession',
    input: z.strictObject({ data: byServerAndAccount }),
    output: sessionRow,
    example: { data: exampleData },
  }),
  'v1.cancelSession': v1({
    section: 'sessions',
    summary: 'Cancel the running session of a server.',
    path: '/sessions/cancel',
    type: 'CANCEL_SESSION',
    limitLike: 'cancelSession',
    input: z.strictObject({ data: byServerAndAccount }),
    output: sessionRow,
    example: { data: exampleData },
  }),
};
