import { accountHandlers } from './accounts.js';
import { activityHandlers } from './activity.js';
import { clockHandlers } from './clock.js';
import { communityHandlers } from './community.js';
import { disciplinaryHandlers } from './disciplinary.js';
import { erlcHandlers } from './erlc.js';
import { eventHandlers } from './events.js';
import { formHandlers } from './forms.js';
import type { Handlers } from './handler.js';
import { rankHandlers } from './ranks.js';
import { rosterHandlers } from './rosters.js';
import { serverHandlers } from './servers.js';
import { sessionHandlers } from './sessions.js';

export type { Handler, Handlers } from './handler.js';

/** Every catalog operation, served. A missing one is a compile error here. */
export const handlers: Handlers = {
  ...communityHandlers,
  ...accountHandlers,
  ...rankHandlers,
  ...clockHandlers,
  ...serverHandlers,
  ...activityHandlers,
  ...sessionHandlers,
  ...disciplinaryHandlers,
  ...formHandlers,
  ...rosterHandlers,
  ...eventHandlers,
  ...erlcHandlers,
};
