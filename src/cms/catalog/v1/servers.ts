import { z } from 'zod';
import { EXAMPLE } from '../examples.js';
import { v1 } from '../operation.js';
import { activityRow, nonEmpty, whitelistEntry, withAccountLookup } from '../shapes.js';

const serverId = z.number().int().positive();

export const v1ServerOperations = {
  'v1.getGameServers': v1({
    section: 'servers',
    summary: 'The community game server configurations.',
    path: '/servers/get_game_servers',
    type: 'GET_GAME_SERVERS',
    limitLike: 'getServers',
    idempotent: true,
    input: z.strictObject({ data: z.tuple([]).optional() }),
    output: z.looseObject({
      servers: z.array(z.looseObject({ id: z.number().int(), name: z.string() })),
    }),
    example: { data: [] },
  }),
  'v1.setGameServers': v1({
    section: 'servers',
    summary: 'Replace the community game server configurations (give id to update one).',
    path: '/servers/set_game_servers',
    type: 'SET_GAME_SERVERS',
    limitLike: 'setServers',
    idempotent: true,
    input: z.strictObject({
      data: z.array(
        z.strictObject({
          id: serverId.optional(),
          name: nonEmpty,
          ip: z.string(),
          port: z.string(),
        }),
      ),
    }),
    output: z.looseObject({
      success: z.boolean(),
      data: z.array(
        z.looseObject({
          id: z.number().int(),
          name: z.string(),
          ip: z.string().optional(),
          port: z.string().optional(),
        }),
      ),
    }),
    example: { data: [{ id: 1, name: 'Main Server', ip: '127.0.0.1', port: '30120' }] },
  }),
  'v1.verifyWhitelist': v1({
    section: 'servers',
    summary:
      'The username when the account may join, "BYPASSED WHITELIST - name", or NOT ALLOWED ON WHITELIST.',
    path: '/servers/verify_whitelist',
    type: 'VERIFY_WHITELIST',
    limitLike: 'verifyWhitelist',
    idempotent: true,
    answers: 'text',
    input: z.strictObject({
      data: z.tuple([withAccountLookup({ serverId: serverId.optional() })]),
    }),
    output: z.string(),
    example: { data: [{ accId: EXAMPLE.accountId, serverId: EXAMPLE.serverId }] },
  }),
  'v1.fullWhitelist': v1({
    section: 'servers',
    summary: 'Everyone whitelisted on a server with their API ids.',
    path: '/servers/full_whitelist',
    // The page's sample body says VERIFY_WHITELIST; its parameter table says FULL_WHITELIST.
    type: 'FULL_WHITELIST',
    limitLike: 'getFullWhitelist',
    idempotent: true,
    input: z.strictObject({ data: z.tuple([z.strictObject({ serverId })]) }),
    output: z.array(whitelistEntry),
    example: { data: [{ serverId: EXAMPLE.serverId }] },
  }),
  'v1.activityTrackerStartStop': v1({
    section: 'servers',
    summary: 'Start, stop or clear the activity tracker of an account on a server.',
    path: '/servers/activity_tracker_start_stop',
    type: 'ACTIVITY_TRACKER_START_STOP',
    limitLike: 'activityTracker',
    // The two activity pages swap their sample bodies; each path keeps its own type here.
    input: z.strictObject({
      data: withAccountLookup({
        serverId,
        forceClear: z.boolean().optional(),
        forceStart: z.boolean().optional(),
      }),
    }),
    output: z.looseObject({ success: z.boolean(), data: activityRow }),
    example: { data: { serverId: EXAMPLE.serverId, accId: EXAMPLE.accountId, forceStart: true } },
  }),
  'v1.activityTrackerServerStart': v1({
    section: 'servers',
    summary: 'Finish every activity tracker still running on a server.',
    path: '/servers/activity_tracker_server_start',
    type: 'ACTIVITY_TRACKER_SERVER_START',
    limitLike: 'activityTrackerServerStart',
    idempotent: true,
    input: z.strictObject({ data: z.strictObject({ serverId }) }),
    output: z.looseObject({ success: z.boolean(), data: z.array(activityRow) }),
    example: { data: { serverId: EXAMPLE.serverId } },
  }),
};
