import type { Community } from '../community.js';
import { forbidden } from '../problem.js';
import { activityView } from '../views.js';
import type { Handlers } from './handler.js';

/**
 * No tracker running: start one. Running: `forceStart` restarts it, `forceClear` clears it,
 * otherwise it stops.
 */
function track(
  c: Community,
  serverId: number,
  accId: string,
  options: { forceStart?: boolean; forceClear?: boolean },
) {
  c.requireServer(serverId);
  const account = c.requireAccount({ accId });
  if (!c.isActiveMember(account))
    throw forbidden(`${account.accName} is not an active member.`, 'ACCOUNT_NOT_FOUND');
  const running = c.data.activity.find(
    (row) =>
      row.accId === accId &&
      row.serverId === serverId &&
      row.end === null &&
      row.clearReason === null,
  );
  if (running && options.forceClear) {
    running.clearReason = 'Cleared by API request';
    running.status = false;
    return running;
  }
  if (running && !options.forceStart) {
    running.end = c.now();
    return running;
  }
  if (running) running.end = c.now();
  const row = {
    id: c.newId(),
    status: true,
    accId,
    serverId,
    start: c.now(),
    end: null,
    clearReason: null,
  };
  c.data.activity.push(row);
  return row;
}

/** A server (re)start finishes every tracker still running there. */
function serverStart(c: Community, serverId: number) {
  c.requireServer(serverId);
  const finished = c.data.activity.filter(
    (row) => row.serverId === serverId && row.end === null && row.clearReason === null,
  );
  for (const row of finished) {
    row.end = c.now();
    row.clearReason = 'All server activity stopped that were in progress';
  }
  return finished.map(activityView);
}

export const activityHandlers = {
  activityTracker: ({ params, body }, c) =>
    activityView(track(c, params.serverId, body.accId, body)),
  activityTrackerServerStart: ({ params }, c) => serverStart(c, params.serverId),
  'v1.activityTrackerStartStop': ({ data }, c) => {
    const account = c.requireAccount(data);
    return { success: true, data: activityView(track(c, data.serverId, account.accId, data)) };
  },
  'v1.activityTrackerServerStart': ({ data }, c) => ({
    success: true,
    data: serverStart(c, data.serverId),
  }),
} satisfies Partial<Handlers>;
