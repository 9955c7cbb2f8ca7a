import { PermissionFlagsBits as P } from 'discord.js';
import type { CommandRegistry } from './commands.js';
import { apiError, invalidFormBody } from './errors.js';
import type { GuildState } from './guild-state.js';
import type { RequestBody } from './http.js';
import type { InteractionResponder } from './interaction-responses.js';
import type { MessageStore } from './message-store.js';
import type { MessageBody } from './message-validation.js';
import { has } from './permissions.js';
import {
  channelJson,
  guildJson,
  memberJson,
  messageJson,
  roleJson,
  userJson,
} from './serialize.js';

export interface RestContext {
  state: GuildState;
  messages: MessageStore;
  commands: CommandRegistry;
  responder: InteractionResponder;
  applicationId: string;
  gatewayUrl: () => string;
}

export interface RouteRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: RequestBody;
  /** The decoded X-Audit-Log-Reason. */
  reason: string | null;
}

export interface RouteResult {
  status: 200 | 204;
  body?: unknown;
}

/** Which rate-limit rule a route counts against: channel messages, the default, or none (interaction callbacks). */
export type BucketKind = 'messages' | 'default' | null;

export interface Route {
  method: string;
  /** e.g. POST /channels/:channelId/messages */
  name: string;
  /** Template segments; ':name' matches any one segment. */
  segments: string[];
  /** Bot routes need `Authorization: Bot <token>`; interaction callbacks and webhooks need none. */
  auth: boolean;
  bucket: BucketKind;
  /** The rate limit's major parameter for this request. */
  major: (params: Record<string, string>) => string;
  handle: (ctx: RestContext, req: RouteRequest) => RouteResult;
}

const ok = (body: unknown): RouteResult => ({ status: 200, body });
const noContent: RouteResult = { status: 204 };

function route(
  method: string,
  template: string,
  options: { auth?: boolean; bucket?: BucketKind },
  handle: Route['handle'],
): Route {
  return {
    method,
    name: `${method} ${template}`,
    segments: template.split('/').slice(1),
    auth: options.auth ?? true,
    bucket: options.bucket === undefined ? 'default' : options.bucket,
    // Discord's major parameters: the channel, guild or webhook a route acts on.
    major: (params) =>
      params.channelId ?? params.guildId ?? params.token ?? params.applicationId ?? 'global',
    handle,
  };
}

/** The bot may see a guild channel (View Channel); DM channels are always its own. */
function visibleChannel(ctx: RestContext, channelId: string) {
  const channel = ctx.state.channel(channelId);
  if (
    channel.guildId &&
    !has(ctx.state.permissions(channel.guildId, ctx.state.botUser.id, channel.id), P.ViewChannel)
  )
    throw apiError(50001);
  return channel;
}

function ownApplication(ctx: RestContext, applicationId: string): void {
  if (applicationId !== ctx.applicationId) throw apiError(50001);
}

function postMessage(ctx: RestContext, req: RouteRequest): RouteResult {
  const channel = visibleChannel(ctx, req.params.channelId!);
  if (channel.guildId) {
    if (
      !has(ctx.state.permissions(channel.guildId, ctx.state.botUser.id, channel.id), P.SendMessages)
    )
      throw apiError(50013);
  } else if (!ctx.state.canDm(channel.recipientId!)) {
    throw apiError(50007);
  }
  const message = ctx.messages.create({
    channelId: channel.id,
    guildId: channel.guildId,
    authorId: ctx.state.botUser.id,
    body: req.body.json as MessageBody,
    files: req.body.files,
  });
  return ok(messageJson(ctx.state, message));
}

function channelMessage(ctx: RestContext, req: RouteRequest) {
  const channel = visibleChannel(ctx, req.params.channelId!);
  const message = ctx.messages.get(req.params.messageId!);
  // Ephemeral messages are not in the channel as far as the API is concerned.
  if (!message || message.channelId !== channel.id || message.ephemeral) throw apiError(10008);
  return message;
}

function deleteMessageSeconds(body: Record<string, unknown>): number {
  const seconds =
    typeof body.delete_message_seconds === 'number'
      ? body.delete_message_seconds
      : typeof body.delete_message_days === 'number'
        ? body.delete_message_days * 86_400
        : 0;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 604_800) {
    throw invalidFormBody([
      {
        path: ['delete_message_seconds'],
        code: 'NUMBER_TYPE_MAX',
        message: 'int value should be less than or equal to 604800.',
      },
    ]);
  }
  return seconds;
}

export const routes: Route[] = [
  route('GET', '/gateway', { auth: false }, (ctx) => ok({ url: ctx.gatewayUrl() })),
  route('GET', '/gateway/bot', {}, (ctx) =>
    ok({
      url: ctx.gatewayUrl(),
      shards: 1,
      session_start_limit: {
        total: 1000,
        remaining: 999,
        reset_after: 14_400_000,
        max_concurrency: 1,
      },
    }),
  ),

  route('GET', '/users/@me', {}, (ctx) => ok(userJson(ctx.state.user(ctx.state.botUser.id)))),
  route('POST', '/users/@me/channels', {}, (ctx, req) => {
    const recipient = req.body.json.recipient_id;
    if (typeof recipient !== 'string')
      throw invalidFormBody([
        { path: ['recipient_id'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' },
      ]);
    return ok(channelJson(ctx.state, ctx.state.dmChannel(recipient)));
  }),
  route('GET', '/users/:userId', {}, (ctx, req) =>
    ok(userJson(ctx.state.user(req.params.userId!))),
  ),

  route('GET', '/channels/:channelId', {}, (ctx, req) =>
    ok(channelJson(ctx.state, visibleChannel(ctx, req.params.channelId!))),
  ),
  route('GET', '/channels/:channelId/messages', {}, (ctx, req) => {
    const channel = visibleChannel(ctx, req.params.channelId!);
    const limit = Math.min(100, Math.max(1, Number(req.query.get('limit') ?? 50)));
    return ok(
      ctx.messages
        .inChannel(channel.id)
        .reverse()
        .slice(0, limit)
        .map((m) => messageJson(ctx.state, m)),
    );
  }),
  route('POST', '/channels/:channelId/messages', { bucket: 'messages' }, postMessage),
  route('GET', '/channels/:channelId/messages/:messageId', {}, (ctx, req) =>
    ok(messageJson(ctx.state, channelMessage(ctx, req))),
  ),
  route('PATCH', '/channels/:channelId/messages/:messageId', {}, (ctx, req) => {
    const message = channelMessage(ctx, req);
    return ok(
      messageJson(
        ctx.state,
        ctx.messages.edit(message.id, req.body.json as MessageBody, req.body.files),
      ),
    );
  }),
  route('DELETE', '/channels/:channelId/messages/:messageId', {}, (ctx, req) => {
    ctx.messages.delete(channelMessage(ctx, req).id);
    return noContent;
  }),

  route('GET', '/guilds/:guildId', {}, (ctx, req) => {
    const guild = ctx.state.guild(req.params.guildId!);
    const counts =
      req.query.get('with_counts') === 'true'
        ? { approximate_member_count: guild.members.size, approximate_presence_count: 0 }
        : {};
    return ok({ ...guildJson(ctx.state, guild), ...counts });
  }),
  route('GET', '/guilds/:guildId/roles', {}, (ctx, req) =>
    ok(
      [...ctx.state.guild(req.params.guildId!).roles.values()].map((r) =>
        roleJson(r, ctx.state.botUser.id),
      ),
    ),
  ),
  route('GET', '/guilds/:guildId/channels', {}, (ctx, req) =>
    ok(
      ctx.state
        .guildChannels(ctx.state.guild(req.params.guildId!))
        .map((c) => channelJson(ctx.state, c)),
    ),
  ),
  route('GET', '/guilds/:guildId/members', {}, (ctx, req) => {
    const guild = ctx.state.guild(req.params.guildId!);
    const limit = Math.min(1000, Math.max(1, Number(req.query.get('limit') ?? 1)));
    const after = BigInt(req.query.get('after') ?? '0');
    const members = [...guild.members.values()]
      .filter((m) => BigInt(m.userId) > after)
      .sort((a, b) => (BigInt(a.userId) < BigInt(b.userId) ? -1 : 1));
    return ok(members.slice(0, limit).map((m) => memberJson(ctx.state, guild, m)));
  }),
  route('GET', '/guilds/:guildId/members/search', {}, (ctx, req) => {
    const guild = ctx.state.guild(req.params.guildId!);
    const limit = Math.min(1000, Math.max(1, Number(req.query.get('limit') ?? 1)));
    const { members } = ctx.state.findMembers(guild.id, {
      query: req.query.get('query') ?? '',
      limit,
      userIds: null,
    });
    return ok(members.map((m) => memberJson(ctx.state, guild, m)));
  }),
  route('GET', '/guilds/:guildId/members/:userId', {}, (ctx, req) => {
    const guild = ctx.state.guild(req.params.guildId!);
    return ok(memberJson(ctx.state, guild, ctx.state.member(guild.id, req.params.userId!)));
  }),
  route('PATCH', '/guilds/:guildId/members/:userId', {}, (ctx, req) => {
    const { guildId, userId } = req.params as { guildId: string; userId: string };
    const body = req.body.json;
    ctx.state.updateMember(
      guildId,
      userId,
      {
        ...(Array.isArray(body.roles) ? { roles: body.roles.map(String) } : {}),
        ...('nick' in body ? { nick: typeof body.nick === 'string' ? body.nick : null } : {}),
        ...('communication_disabled_until' in body
          ? {
              communicationDisabledUntil:
                typeof body.communication_disabled_until === 'string'
                  ? body.communication_disabled_until
                  : null,
            }
          : {}),
      },
      req.reason,
    );
    return ok(memberJson(ctx.state, ctx.state.guild(guildId), ctx.state.member(guildId, userId)));
  }),
  route('DELETE', '/guilds/:guildId/members/:userId', {}, (ctx, req) => {
    ctx.state.kick(req.params.guildId!, req.params.userId!, req.reason);
    return noContent;
  }),
  route('PUT', '/guilds/:guildId/members/:userId/roles/:roleId', {}, (ctx, req) => {
    ctx.state.changeRole(
      req.params.guildId!,
      req.params.userId!,
      req.params.roleId!,
      'add',
      req.reason,
    );
    return noContent;
  }),
  route('DELETE', '/guilds/:guildId/members/:userId/roles/:roleId', {}, (ctx, req) => {
    ctx.state.changeRole(
      req.params.guildId!,
      req.params.userId!,
      req.params.roleId!,
      'remove',
      req.reason,
    );
    return noContent;
  }),
  route('GET', '/guilds/:guildId/bans', {}, (ctx, req) => {
    const guild = ctx.state.guild(req.params.guildId!);
    return ok(
      [...guild.bans.values()].map((b) => ({
        user: userJson(ctx.state.user(b.userId)),
        reason: b.reason,
      })),
    );
  }),
  route('GET', '/guilds/:guildId/bans/:userId', {}, (ctx, req) => {
    const ban = ctx.state.guild(req.params.guildId!).bans.get(req.params.userId!);
    if (!ban) throw apiError(10026);
    return ok({ user: userJson(ctx.state.user(ban.userId)), reason: ban.reason });
  }),
  route('PUT', '/guilds/:guildId/bans/:userId', {}, (ctx, req) => {
    ctx.state.ban(
      req.params.guildId!,
      req.params.userId!,
      req.reason,
      deleteMessageSeconds(req.body.json),
    );
    return noContent;
  }),
  route('DELETE', '/guilds/:guildId/bans/:userId', {}, (ctx, req) => {
    ctx.state.unban(req.params.guildId!, req.params.userId!);
    return noContent;
  }),

  route('GET', '/applications/@me', {}, (ctx) => {
    const owner = ctx.state.users.get([...ctx.state.guilds.values()][0]?.ownerId ?? '');
    return ok({
      id: ctx.applicationId,
      name: ctx.state.botUser.username,
      description: '',
      icon: null,
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: '0'.repeat(64),
      flags: 0,
      team: null,
      owner: owner ? userJson(owner) : null,
      bot: userJson(ctx.state.user(ctx.state.botUser.id)),
    });
  }),
  route('GET', '/applications/:applicationId/commands', {}, (ctx, req) => {
    ownApplication(ctx, req.params.applicationId!);
    return ok(ctx.commands.list(null));
  }),
  route('PUT', '/applications/:applicationId/commands', {}, (ctx, req) => {
    ownApplication(ctx, req.params.applicationId!);
    return ok(ctx.commands.overwrite(null, req.body.json._));
  }),
  route('GET', '/applications/:applicationId/guilds/:guildId/commands', {}, (ctx, req) => {
    ownApplication(ctx, req.params.applicationId!);
    return ok(ctx.commands.list(ctx.state.guild(req.params.guildId!).id));
  }),
  route('PUT', '/applications/:applicationId/guilds/:guildId/commands', {}, (ctx, req) => {
    ownApplication(ctx, req.params.applicationId!);
    return ok(ctx.commands.overwrite(ctx.state.guild(req.params.guildId!).id, req.body.json._));
  }),

  // Interaction responses: no bot token, no rate limit on callbacks (as on Discord).
  route(
    'POST',
    '/interactions/:interactionId/:token/callback',
    { auth: false, bucket: null },
    (ctx, req) => {
      const answer = ctx.responder.callback(
        req.params.interactionId!,
        req.params.token!,
        req.body.json,
        req.body.files,
        req.query.get('with_response') === 'true',
      );
      return answer === null ? noContent : ok(answer);
    },
  ),
  route('POST', '/webhooks/:applicationId/:token', { auth: false }, (ctx, req) => {
    const message = ctx.responder.followUp(
      req.params.applicationId!,
      req.params.token!,
      req.body.json,
      req.body.files,
    );
    return req.query.get('wait') === 'true' ? ok(message) : noContent;
  }),
  route('GET', '/webhooks/:applicationId/:token/messages/:messageId', { auth: false }, (ctx, req) =>
    ok(ctx.responder.fetch(req.params.applicationId!, req.params.token!, req.params.messageId!)),
  ),
  route(
    'PATCH',
    '/webhooks/:applicationId/:token/messages/:messageId',
    { auth: false },
    (ctx, req) =>
      ok(
        ctx.responder.edit(
          req.params.applicationId!,
          req.params.token!,
          req.params.messageId!,
          req.body.json,
          req.body.files,
        ),
      ),
  ),
  route(
    'DELETE',
    '/webhooks/:applicationId/:token/messages/:messageId',
    { auth: false },
    (ctx, req) => {
      ctx.responder.delete(req.params.applicationId!, req.params.token!, req.params.messageId!);
      return noContent;
    },
  ),
];

export type RouteMatch =
  { route: Route; params: Record<string, string> } | { route: null; methodNotAllowed: boolean };

/** Matches a path below /api/v10, segment by segment, after percent-decoding each (`%40original` → `@original`). */
export function matchRoute(method: string, path: string): RouteMatch {
  const segments = path.split('/').slice(1).map(decodeSegment);
  let pathKnown = false;
  for (const candidate of routes) {
    if (candidate.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const fits = candidate.segments.every((part, i) => {
      if (part.startsWith(':')) params[part.slice(1)] = segments[i]!;
      return part.startsWith(':') ? segments[i] !== '' : part === segments[i];
    });
    if (!fits) continue;
    pathKnown = true;
    if (candidate.method === method) return { route: candidate, params };
  }
  return { route: null, methodNotAllowed: pathKnown };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
