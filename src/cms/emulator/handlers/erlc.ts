import type { Community } from '../community.js';
import { badRequest, forbidden, notFound } from '../problem.js';
import type { Handlers } from './handler.js';

function requireErlcServer(c: Community, joinCode: string) {
  const server = c.data.erlc.find((s) => s.joinCode === joinCode);
  if (!server) throw notFound(`No ER:LC server has the join code ${joinCode}.`);
  return server;
}

function requireStaff(c: Community, discordId: string) {
  const account = c.findAccount({ discord: discordId });
  if (!account || !c.isActiveMember(account))
    throw forbidden(`Discord user ${discordId} is not linked to an active member.`);
  return account;
}

const BUILT_IN_RECORD_TYPES = ['note', 'kick', 'ban', 'disciplinary'];

export const erlcHandlers = {
  getOnlinePlayers: ({ query }, c) =>
    requireErlcServer(c, query.robloxJoinCode).players.map((p) => ({
      ...p,
      Actioned: null,
      Location: { LocationX: 0, LocationY: 0, LocationZ: 0 },
    })),
  getPlayerQueue: ({ query }, c) => requireErlcServer(c, query.robloxJoinCode).queueLength,
  addErlcRecord: ({ body }, c) => {
    const server = requireErlcServer(c, body.robloxJoinCode);
    const executer = requireStaff(c, body.executerDiscordId);
    const custom = c.data.customLogTypes.some(
      (t) => t.id === body.type || t.shortCode === body.type,
    );
    if (!custom && !BUILT_IN_RECORD_TYPES.includes(body.type))
      throw badRequest(`Unknown record type "${body.type}".`);
    server.records.push({
      type: body.type,
      reason: body.reason,
      points: body.points,
      by: executer.accId,
    });
    if (body.type === 'ban') return { success: true };
    // The player is named only in the in-game command, so no CMS member record is written here.
    if (body.type === 'disciplinary') return { success: true, data: [] };
    return { success: true, message: 'Records added successfully' };
  },
  executeErlcCommand: ({ body }, c) => {
    const server = requireErlcServer(c, body.robloxJoinCode);
    const executer = requireStaff(c, body.discordId);
    server.commands.push({ type: body.type, args: body.args, by: executer.accId });
    return 'Successfully added command to queue';
  },
  lockTeam: ({ body }, c) => {
    requireErlcServer(c, body.robloxJoinCode).teamCaps[body.team] = body.maxPlayers;
    return `The ${body.team.toLowerCase()} team has been locked down to a maximum of ${body.maxPlayers} players.`;
  },
  unlockTeam: ({ body }, c) => {
    delete requireErlcServer(c, body.robloxJoinCode).teamCaps[body.team];
    return `The ${body.team.toLowerCase()} team has been unlocked.`;
  },
} satisfies Partial<Handlers>;
