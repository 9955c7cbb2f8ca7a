import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { GatewayCloseCodes, GatewayIntentBits, GatewayOpcodes } from 'discord.js';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { sessionId } from './ids.js';

type Json = Record<string, unknown>;

const PRIVILEGED =
  GatewayIntentBits.GuildMembers |
  GatewayIntentBits.GuildPresences |
  GatewayIntentBits.MessageContent;
/** Events kept per session for RESUME; Discord keeps a similar backlog. */
const BACKLOG = 1000;

export interface GatewaySession {
  id: string;
  socket: WebSocket | null;
  seq: number;
  intents: number;
  shard: [number, number];
  backlog: Array<{ s: number; t: string; d: unknown }>;
}

export interface GatewayOptions {
  /** Where clients connect and resume, e.g. ws://127.0.0.1:PORT. */
  url: string;
  token: string;
  heartbeatIntervalMs: number;
  /** Privileged intents the application may use; asking for others closes with 4014 like Discord. */
  allowedPrivilegedIntents: number;
  /** What READY carries about the application and its bot user. */
  ready: () => { user: Json; application: Json };
  guildIds: () => string[];
  guildCreate: (guildId: string, intents: number) => Json;
  /** When set, a second member request for a guild within this long gets a RATE_LIMITED dispatch instead of members. */
  memberRequestCooldownMs?: number;
  membersChunk: (request: {
    guildId: string;
    query: string;
    limit: number;
    userIds: string[] | null;
  }) => { members: Json[]; notFound: string[] };
}

interface GatewayEvents {
  /** A session identified (READY sent). */
  identify: [session: GatewaySession];
  /** A session resumed (RESUMED sent). */
  resume: [session: GatewaySession];
  /** A connection closed, with its close code. */
  disconnect: [code: number];
}

function inShard(guildId: string, [id, count]: [number, number]): boolean {
  return count <= 1 || Number((BigInt(guildId) >> 22n) % BigInt(count)) === id;
}

/**
 * The gateway: HELLO, heartbeat ACKs, IDENTIFY → READY + GUILD_CREATE, RESUME with replay of what
 * a dropped connection missed, member chunk requests, and dispatch with increasing `s` per session.
 * Text frames only (discord.js drops binary ones without zlib-sync).
 */
export class Gateway extends EventEmitter<GatewayEvents> {
  readonly sessions = new Map<string, GatewaySession>();
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  private readonly lastMemberRequest = new Map<string, number>();
  /** While set, every new connection is cut at once: the gateway is down for clients. */
  private down = false;

  constructor(
    server: Server,
    private readonly options: GatewayOptions,
  ) {
    super();
    this.setMaxListeners(0);
    this.wss = new WebSocketServer({ server });
    this.wss.on('connection', (socket) => this.onConnection(socket));
  }

  private onConnection(socket: WebSocket): void {
    if (this.down) return socket.terminate();
    this.sockets.add(socket);
    let session: GatewaySession | null = null;
    socket.on('close', (code) => {
      this.sockets.delete(socket);
      if (session?.socket === socket) {
        session.socket = null;
        // A client closing with 1000/1001 ends its session (Discord's rule); other closes leave it resumable.
        if (code === 1000 || code === 1001) this.sessions.delete(session.id);
      }
      this.emit('disconnect', code);
    });
    socket.on('error', () => socket.terminate());
    socket.on('message', (raw: RawData, isBinary: boolean) => {
      const payload = parse(raw, isBinary);
      if (!payload)
        return socket.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      switch (payload.op) {
        case GatewayOpcodes.Heartbeat:
          return send(socket, { op: GatewayOpcodes.HeartbeatAck });
        case GatewayOpcodes.Identify:
          if (session)
            return socket.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
          session = this.identify(socket, payload.d as Json);
          return;
        case GatewayOpcodes.Resume:
          if (session)
            return socket.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
          session = this.resume(socket, payload.d as Json);
          return;
        case GatewayOpcodes.RequestGuildMembers:
          if (!session)
            return socket.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
          return this.requestMembers(session, payload.d as Json);
        default:
          // Presence and voice updates need no answer here.
          return;
      }
    });
    send(socket, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.options.heartbeatIntervalMs, _trace: ['discord-emulator'] },
    });
  }

  private validToken(token: unknown): boolean {
    return token === this.options.token || token === `Bot ${this.options.token}`;
  }

  private identify(socket: WebSocket, d: Json): GatewaySession | null {
    if (!this.validToken(d.token)) {
      socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return null;
    }
    const intents = typeof d.intents === 'number' ? d.intents : 0;
    if ((intents & PRIVILEGED & ~this.options.allowedPrivilegedIntents) !== 0) {
      socket.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
      return null;
    }
    const shard =
      Array.isArray(d.shard) && d.shard.length === 2
        ? (d.shard as [number, number])
        : ([0, 1] as [number, number]);
    const session: GatewaySession = {
      id: sessionId(),
      socket,
      seq: 0,
      intents,
      shard,
      backlog: [],
    };
    this.sessions.set(session.id, session);
    const guildIds = this.options.guildIds().filter((id) => inShard(id, shard));
    const { user, application } = this.options.ready();
    this.sendDispatch(session, 'READY', {
      v: 10,
      user,
      application,
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.url,
      shard,
      guilds: guildIds.map((id) => ({ id, unavailable: true })),
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
      _trace: ['discord-emulator'],
    });
    for (const id of guildIds)
      this.sendDispatch(session, 'GUILD_CREATE', this.options.guildCreate(id, intents));
    this.emit('identify', session);
    return session;
  }

  private resume(socket: WebSocket, d: Json): GatewaySession | null {
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    if (!session || !this.validToken(d.token)) {
      // Not resumable: the client re-identifies.
      send(socket, { op: GatewayOpcodes.InvalidSession, d: false });
      return null;
    }
    if (session.socket && session.socket !== socket)
      session.socket.close(GatewayCloseCodes.SessionTimedOut, 'Session resumed elsewhere.');
    session.socket = socket;
    const from = typeof d.seq === 'number' ? d.seq : 0;
    for (const event of session.backlog)
      if (event.s > from) send(socket, { op: GatewayOpcodes.Dispatch, ...event });
    this.sendDispatch(session, 'RESUMED', { _trace: ['discord-emulator'] });
    this.emit('resume', session);
    return session;
  }

  private requestMembers(session: GatewaySession, d: Json): void {
    const guildId = String(d.guild_id);
    const cooldown = this.options.memberRequestCooldownMs;
    if (cooldown !== undefined) {
      const last = this.lastMemberRequest.get(guildId);
      const now = Date.now();
      if (last !== undefined && now - last < cooldown) {
        const meta = { guild_id: guildId, ...(d.nonce === undefined ? {} : { nonce: d.nonce }) };
        return this.sendDispatch(session, 'RATE_LIMITED', {
          opcode: GatewayOpcodes.RequestGuildMembers,
          retry_after: (cooldown - (now - last)) / 1000,
          meta,
        });
      }
      this.lastMemberRequest.set(guildId, now);
    }
    const userIds = Array.isArray(d.user_ids)
      ? d.user_ids.map(String)
      : typeof d.user_ids === 'string'
        ? [d.user_ids]
        : null;
    const { members, notFound } = this.options.membersChunk({
      guildId,
      query: typeof d.query === 'string' ? d.query : '',
      limit: typeof d.limit === 'number' ? d.limit : 0,
      userIds,
    });
    this.sendDispatch(session, 'GUILD_MEMBERS_CHUNK', {
      guild_id: guildId,
      members,
      chunk_index: 0,
      chunk_count: 1,
      not_found: notFound,
      presences: [],
      ...(d.nonce === undefined ? {} : { nonce: d.nonce }),
    });
  }

  /** The URL clients connect (and resume) to. */
  get url(): string {
    return this.options.url;
  }

  private sendDispatch(session: GatewaySession, t: string, d: unknown): void {
    session.seq += 1;
    const event = { s: session.seq, t, d };
    session.backlog.push(event);
    if (session.backlog.length > BACKLOG) session.backlog.shift();
    if (session.socket) send(session.socket, { op: GatewayOpcodes.Dispatch, ...event });
  }

  /**
   * Dispatches an event to every session that asked for it (its intent, its shard). Sessions
   * whose connection dropped get it on RESUME. Returns how many sessions it was queued for.
   */
  dispatch(
    t: string,
    d: unknown,
    scope: { intent?: number; guildId?: string | null } = {},
  ): number {
    let count = 0;
    for (const session of this.sessions.values()) {
      if (scope.intent !== undefined && (session.intents & scope.intent) === 0) continue;
      if (scope.guildId && !inShard(scope.guildId, session.shard)) continue;
      this.sendDispatch(session, t, d);
      count += 1;
    }
    return count;
  }

  /**
   * Closes every connection: 1006 (or none) cuts the TCP connection without a close frame; other
   * codes close cleanly. With `stayDown`, reconnections are cut too until `restore()`.
   */
  drop(code = 1006, stayDown = false): void {
    this.down = stayDown;
    for (const socket of this.sockets) {
      if (code === 1006) socket.terminate();
      else socket.close(code, 'Dropped by the emulator.');
    }
  }

  /** Takes connections again after `drop(code, true)`; clients get in at their next retry. */
  restore(): void {
    this.down = false;
  }

  /** Op 7: Discord asks clients to reconnect and resume. */
  requestReconnect(): void {
    for (const socket of this.sockets) send(socket, { op: GatewayOpcodes.Reconnect, d: null });
  }

  /** Resolves at the next identify or resume. */
  next(event: 'identify' | 'resume', timeoutMs = 10_000): Promise<GatewaySession> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off(event, onEvent);
        reject(new Error(`no gateway ${event} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onEvent = (session: GatewaySession): void => {
        clearTimeout(timer);
        resolve(session);
      };
      this.once(event, onEvent);
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

function parse(raw: RawData, isBinary: boolean): { op: number; d?: unknown } | null {
  if (isBinary) return null;
  try {
    const value = JSON.parse(raw.toString()) as { op?: unknown };
    return typeof value.op === 'number' ? (value as { op: number; d?: unknown }) : null;
  } catch {
    return null;
  }
}

function send(socket: WebSocket, payload: Json): void {
  // WebSocket.OPEN; a string is sent as a text frame.
  if (socket.readyState === 1) socket.send(JSON.stringify(payload));
}
