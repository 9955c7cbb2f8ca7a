import type { Community, Server } from '../community.js';
import { forbidden, notFound } from '../problem.js';
import { serverView } from '../views.js';
import type { Handlers } from './handler.js';

interface ServerInput {
  id?: number;
  name: string;
  description?: string;
  ip?: string;
  port?: string;
  type?: string;
  robloxJoinCode?: string;
}

function toServer(c: Community, input: ServerInput, id: number): Server {
  const previous = c.data.servers.find((s) => s.id === id);
  return {
    id,
    name: input.name,
    description: input.description ?? previous?.description ?? '',
    ip: input.ip ?? previous?.ip ?? '',
    port: input.port ?? previous?.port ?? '',
    type: input.type ?? previous?.type ?? 'fivem',
    typeLastUpdated:
      input.type && input.type !== previous?.type
        ? c.now()
        : (previous?.typeLastUpdated ?? c.now()),
    robloxJoinCode: input.robloxJoinCode ?? previous?.robloxJoinCode ?? '',
    aceMappings: previous?.aceMappings ?? [],
    whitelistRanks: previous?.whitelistRanks ?? [],
  };
}

/** Replaces the server list; servers without an id get the next free one. */
function replaceServers(c: Community, inputs: ServerInput[]): Server[] {
  let nextId = Math.max(0, ...inputs.map((s) => s.id ?? 0), ...c.data.servers.map((s) => s.id)) + 1;
  c.data.servers = inputs.map((input) => toServer(c, input, input.id ?? nextId++));
  return c.data.servers;
}

function whitelistEntries(c: Community, server: Server, style: 'typed' | 'bare') {
  return c.data.accounts
    .filter((a) => c.isWhitelisted(a, server))
    .map((a) => ({ name: a.accName, apiIds: c.activeApiIds(a, style) }));
}

export const serverHandlers = {
  getServers: (_, c) => ({ servers: c.data.servers.map(serverView) }),
  setServers: ({ body }, c) => ({ servers: replaceServers(c, body.servers).map(serverView) }),
  addServers: ({ body }, c) => {
    for (const input of body.servers) {
      // Appending never overwrites: a taken id is replaced by the next free one.
      const taken = input.id === undefined || c.data.servers.some((s) => s.id === input.id);
      const id = taken ? Math.max(0, ...c.data.servers.map((s) => s.id)) + 1 : input.id!;
      c.data.servers.push(toServer(c, input, id));
    }
    return { servers: c.data.servers.map(serverView) };
  },
  getAceConfig: ({ params }, c) =>
    c.requireServer(params.serverId).aceMappings.map((m) => ({ ...m })),
  setAceConfig: ({ params, body }, c) => {
    const server = c.requireServer(params.serverId);
    server.aceMappings = body.mappings.map((m) => ({ ...m }));
    return { mappings: server.aceMappings.map((m) => ({ ...m })) };
  },
  setServerType: ({ params, body }, c) => {
    const server = c.requireServer(params.serverId);
    server.type = body.type;
    server.typeLastUpdated = c.now();
    return serverView(server);
  },
  verifyWhitelist: ({ params, body }, c) => {
    const server = c.requireServer(params.serverId);
    const account = c.requireAccount({ accId: body.accId });
    if (!c.isWhitelisted(account, server))
      throw forbidden(`${account.accName} is not allowed on the whitelist of ${server.name}.`);
    return account.comName;
  },
  getFullWhitelist: ({ params }, c) =>
    whitelistEntries(c, c.requireServer(params.serverId), 'typed'),

  'v1.getGameServers': (_, c) => ({ servers: c.data.servers.map(serverView) }),
  'v1.setGameServers': ({ data }, c) => ({
    success: true,
    data: replaceServers(c, data).map((s) => ({ id: s.id, name: s.name, ip: s.ip, port: s.port })),
  }),
  'v1.verifyWhitelist': ({ data: [request] }, c) => {
    const account = c.requireAccount(request);
    const servers =
      request.serverId === undefined ? c.data.servers : [c.requireServer(request.serverId)];
    if (account.owner && c.isActiveMember(account))
      return `BYPASSED WHITELIST - ${account.username}`;
    if (!servers.some((server) => c.isWhitelisted(account, server))) {
      throw notFound(
        `${account.accName} is not allowed on the whitelist.`,
        'NOT ALLOWED ON WHITELIST',
      );
    }
    return account.username;
  },
  'v1.fullWhitelist': ({ data: [{ serverId }] }, c) =>
    whitelistEntries(c, c.requireServer(serverId), 'bare'),
} satisfies Partial<Handlers>;
