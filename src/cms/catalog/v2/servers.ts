import { z } from 'zod';
import { EXAMPLE } from '../examples.js';
import { v2 } from '../operation.js';
import {
  aceMapping,
  activityRow,
  gameServer,
  gameServerInput,
  guid,
  nonEmpty,
  serversContainer,
  textPositiveInt,
  whitelistEntry,
} from '../shapes.js';

const serverParams = z.strictObject({ serverId: textPositiveInt });

const exampleServer = {
  id: 1,
  name: 'Main Server',
  description: 'Primary community server',
  ip: '127.0.0.1',
  port: '30120',
  type: 'FiveM',
  erlcApiKey: '',
  robloxJoinCode: EXAMPLE.robloxJoinCode,
  aceConfig: {},
  robloxMetadata: {},
};

export const serverOperations = {
  getServers: v2({
    section: 'servers',
    summary: 'Retrieve the configured game servers.',
    method: 'GET',
    path: '/v2/community/servers',
    limitPerMinute: 13,
    input: z.strictObject({}),
    output: serversContainer,
    example: {},
  }),
  setServers: v2({
    section: 'servers',
    summary: 'Replace the configured server list.',
    method: 'PUT',
    path: '/v2/community/servers',
    limitPerMinute: 9,
    input: z.strictObject({ body: z.strictObject({ servers: z.array(gameServerInput) }) }),
    output: serversContainer,
    example: { body: { servers: [exampleServer] } },
  }),
  addServers: v2({
    section: 'servers',
    summary: 'Append one or more servers to the configuration.',
    method: 'POST',
    path: '/v2/community/servers',
    limitPerMinute: 9,
    input: z.strictObject({ body: z.strictObject({ servers: z.array(gameServerInput).min(1) }) }),
    output: serversContainer,
    example: { body: { servers: [exampleServer] } },
  }),
  getAceConfig: v2({
    section: 'servers',
    summary: 'Retrieve the ACE permission mappings of a server.',
    method: 'GET',
    path: '/v2/community/servers/{serverId}/ace-config',
    limitPerMinute: 27,
    input: z.strictObject({ params: serverParams }),
    output: z.array(aceMapping),
    example: { params: { serverId: EXAMPLE.serverId } },
  }),
  setAceConfig: v2({
    section: 'servers',
    summary: 'Replace the ACE permission mappings of a server.',
    method: 'PATCH',
    path: '/v2/community/servers/{serverId}/ace-config',
    limitPerMinute: 18,
    idempotent: true,
    input: z.strictObject({
      params: serverParams,
      // The docs' example request and answer show different mapping shapes; both are accepted.
      body: z.strictObject({ mappings: z.array(z.record(z.string(), z.unknown())) }),
    }),
    output: z.looseObject({ mappings: z.array(aceMapping) }),
    example: {
      params: { serverId: EXAMPLE.serverId },
      body: { mappings: [{ discordRoleId: EXAMPLE.discordId, aceGroup: 'admin' }] },
    },
  }),
  setServerType: v2({
    section: 'servers',
    summary: 'Change the game type of a server.',
    method: 'PATCH',
    path: '/v2/community/servers/{serverId}/type',
    limitPerMinute: 18,
    idempotent: true,
    input: z.strictObject({ params: serverParams, body: z.strictObject({ type: nonEmpty }) }),
    output: gameServer,
    example: { params: { serverId: EXAMPLE.serverId }, body: { type: 'FiveM' } },
  }),
  verifyWhitelist: v2({
    section: 'servers',
    summary: 'Check that an account may join a server; answers its display name or a problem.',
    method: 'POST',
    path: '/v2/community/servers/{serverId}/whitelist/check',
    limitPerMinute: 27,
    idempotent: true,
    input: z.strictObject({ params: serverParams, body: z.strictObject({ accId: guid }) }),
    output: z.string(),
    example: { params: { serverId: EXAMPLE.serverId }, body: { accId: EXAMPLE.accountId } },
  }),
  getFullWhitelist: v2({
    section: 'servers',
    summary: 'Retrieve everyone whitelisted on a server with their API ids.',
    method: 'GET',
    path: '/v2/community/servers/{serverId}/whitelist',
    limitPerMinute: 13,
    input: z.strictObject({ params: serverParams }),
    output: z.array(whitelistEntry),
    example: { params: { serverId: EXAMPLE.serverId } },
  }),
  activityTracker: v2({
    section: 'servers',
    summary: 'Start, stop or clear the activity tracker of an account on a server.',
    method: 'POST',
    path: '/v2/community/servers/{serverId}/activity',
    limitPerMinute: 27,
    input: z.strictObject({
      params: serverParams,
      body: z.strictObject({
        accId: guid,
        forceStart: z.boolean().optional(),
        forceClear: z.boolean().optional(),
      }),
    }),
    output: activityRow,
    example: {
      params: { serverId: EXAMPLE.serverId },
      body: { accId: EXAMPLE.accountId, forceStart: true },
    },
  }),
  activityTrackerServerStart: v2({
    section: 'servers',
    summary: 'Mark a server (re)start: finishes every activity tracker still running there.',
    method: 'POST',
    path: '/v2/community/servers/{serverId}/activity/start',
    limitPerMinute: 27,
    idempotent: true,
    // The page documents no body; the official SDKs send `{}`, so an empty object is accepted too.
    input: z.strictObject({ params: serverParams, body: z.strictObject({}).optional() }),
    output: z.array(activityRow),
    example: { params: { serverId: EXAMPLE.serverId } },
  }),
};
