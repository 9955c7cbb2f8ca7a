import { z } from 'zod';
import { EXAMPLE } from '../examples.js';
import { v2 } from '../operation.js';
import { disciplinaryRecord, erlcPlayer, nonEmpty } from '../shapes.js';

const serverQuery = z.strictObject({ robloxJoinCode: nonEmpty });

export const erlcOperations = {
  getOnlinePlayers: v2({
    section: 'erlc',
    summary: 'Retrieve the players online on an ER:LC server.',
    method: 'GET',
    path: '/v2/community/erlc/players/online',
    limitPerMinute: 27,
    input: z.strictObject({ query: serverQuery }),
    output: z.array(erlcPlayer),
    example: { query: { robloxJoinCode: EXAMPLE.robloxJoinCode } },
  }),
  getPlayerQueue: v2({
    section: 'erlc',
    summary: 'Retrieve the length of the join queue of an ER:LC server.',
    method: 'GET',
    path: '/v2/community/erlc/players/queue',
    limitPerMinute: 27,
    input: z.strictObject({ query: serverQuery }),
    output: z.number().int().nonnegative(),
    example: { query: { robloxJoinCode: EXAMPLE.robloxJoinCode } },
  }),
  addErlcRecord: v2({
    section: 'erlc',
    summary: 'Record a note, kick, ban, disciplinary or custom log against an ER:LC player.',
    method: 'POST',
    path: '/v2/community/erlc/records',
    limitPerMinute: 18,
    successStatus: 201,
    input: z.strictObject({
      body: z.strictObject({
        robloxJoinCode: nonEmpty,
        executerDiscordId: nonEmpty,
        type: nonEmpty,
        reason: z.string(),
        points: z.number().int().nonnegative(),
      }),
    }),
    // The answer depends on the record type (see the docs' list).
    output: z.union([
      z.looseObject({ success: z.boolean(), message: z.string() }),
      z.looseObject({ success: z.boolean(), data: z.array(disciplinaryRecord) }),
      z.looseObject({ success: z.boolean() }),
    ]),
    example: {
      body: {
        robloxJoinCode: EXAMPLE.robloxJoinCode,
        executerDiscordId: EXAMPLE.discordId,
        type: 'note',
        reason: 'Example note',
        points: 0,
      },
    },
  }),
  executeErlcCommand: v2({
    section: 'erlc',
    summary: 'Queue an in-game command on an ER:LC server.',
    method: 'POST',
    path: '/v2/community/erlc/commands',
    limitPerMinute: 18,
    input: z.strictObject({
      body: z.strictObject({
        robloxJoinCode: nonEmpty,
        discordId: nonEmpty,
        type: nonEmpty,
        args: z.string(),
        includesPlayerNameOrId: z.boolean(),
      }),
    }),
    output: z.string(),
    example: {
      body: {
        robloxJoinCode: EXAMPLE.robloxJoinCode,
        discordId: EXAMPLE.discordId,
        type: 'announce',
        args: 'Server restart in 10 minutes',
        includesPlayerNameOrId: false,
      },
    },
  }),
  lockTeam: v2({
    section: 'erlc',
    summary: 'Cap the number of players on an ER:LC team.',
    method: 'POST',
    path: '/v2/community/erlc/teams/lock',
    limitPerMinute: 18,
    idempotent: true,
    input: z.strictObject({
      body: z.strictObject({
        robloxJoinCode: nonEmpty,
        team: nonEmpty,
        maxPlayers: z.number().int().nonnegative(),
      }),
    }),
    output: z.string(),
    example: { body: { robloxJoinCode: EXAMPLE.robloxJoinCode, team: 'Police', maxPlayers: 10 } },
  }),
  unlockTeam: v2({
    section: 'erlc',
    summary: 'Lift the player cap of an ER:LC team.',
    method: 'POST',
    path: '/v2/community/erlc/teams/unlock',
    limitPerMinute: 18,
    idempotent: true,
    input: z.strictObject({ body: z.strictObject({ robloxJoinCode: nonEmpty, team: nonEmpty }) }),
    output: z.string(),
    example: { body: { robloxJoinCode: EXAMPLE.robloxJoinCode, team: 'Police' } },
  }),
};
