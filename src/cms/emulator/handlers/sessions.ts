import type { Community } from '../community.js';
import { conflict, notFound } from '../problem.js';
import { sessionView } from '../views.js';
import type { Handlers } from './handler.js';

// The v1 session pages list SESSION_ERROR under 400; v2 answers 404 or 409.
const V1_SESSION_ERROR_STATUS = 400;

function running(c: Community, serverId: number) {
  c.requireServer(serverId);
  const session = c.runningSession(serverId);
  if (!session)
    throw notFound(
      `No session is running on server ${serverId}.`,
      'SESSION_ERROR',
      V1_SESSION_ERROR_STATUS,
    );
  return session;
}

function start(c: Community, serverId: number, accId: string) {
  c.requireServer(serverId);
  c.requireAccount({ accId });
  if (c.runningSession(serverId))
    throw conflict(
      `A session is already running on server ${serverId}.`,
      'SESSION_ERROR',
      V1_SESSION_ERROR_STATUS,
    );
  const session = {
    id: c.newId(),
    sysStatus: true,
    serverId,
    startedBy: accId,
    startedAt: c.now(),
    endedBy: null,
    endedAt: null,
    cancelledBy: null,
  };
  c.data.sessions.push(session);
  return sessionView(c, session);
}

function stop(c: Community, serverId: number, accId: string) {
  const session = running(c, serverId);
  c.requireAccount({ accId });
  Object.assign(session, { endedBy: accId, endedAt: c.now() });
  return sessionView(c, session);
}

function cancel(c: Community, serverId: number, accId: string) {
  const session = running(c, serverId);
  c.requireAccount({ accId });
  Object.assign(session, { cancelledBy: accId, sysStatus: false });
  return sessionView(c, session);
}

export const sessionHandlers = {
  getCurrentSession: ({ query }, c) => sessionView(c, running(c, query.serverId)),
  startSession: ({ body }, c) => start(c, body.serverId, body.accId),
  stopSession: ({ body }, c) => stop(c, body.serverId, body.accId),
  cancelSession: ({ body }, c) => {
    cancel(c, body.serverId, body.accId);
    return null;
  },
  'v1.getCurrentSession': ({ data: [{ serverId }] }, c) => sessionView(c, running(c, serverId)),
  'v1.startSession': ({ data: [{ serverId, accId }] }, c) => start(c, serverId, accId),
  'v1.stopSession': ({ data: [{ serverId, accId }] }, c) => stop(c, serverId, accId),
  'v1.cancelSession': ({ data: [{ serverId, accId }] }, c) => cancel(c, serverId, accId),
} satisfies Partial<Handlers>;
