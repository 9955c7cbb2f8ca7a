import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { GatewayIntentBits } from 'discord.js';
import { CommandRegistry, type RegisteredCommand } from './commands.js';
import { DEFAULT_BOT_NAME, DEFAULT_IDS, DEFAULT_TOKEN, defaultGuild } from './defaults.js';
import { RestFaults, type RestFaultOptions } from './faults.js';
import { Gateway } from './gateway.js';
import { syncGateway } from './gateway-sync.js';
import { GuildState } from './guild-state.js';
import { isSnowflake } from './ids.js';
import type { InteractionHandle, InteractionResponseRecord } from './interaction-handle.js';
import { InteractionResponder } from './interaction-responses.js';
import {
  InteractionFactory,
  type AutocompleteInput,
  type ComponentInput,
  type ModalSubmitInput,
  type SelectInput,
  type SlashCommandInput,
} from './interactions.js';
import { MessageStore } from './message-store.js';
import { RateLimiter, type RateLimitRule } from './rate-limits.js';
import { indentLines, renderInteraction, renderMessage, renderResponse } from './render.js';
import { listenGatewayServer, RestServer } from './server.js';
import { guildCreateJson, memberJson, userJson } from './serialize.js';
import type {
  BanRecord,
  EmulatedMessage,
  GuildSeed,
  KickRecord,
  MemberSeed,
  RequestRecord,
  RoleChangeRecord,
} from './types.js';

export interface DiscordEmulatorOptions {
  host?: string;
  /** REST port (0 = any free port). */
  port?: number;
  /** Gateway port (0 = any free port). */
  gatewayPort?: number;
  token?: string;
  /** The application id; the bot user has the same id unless `bot.id` says otherwise. */
  applicationId?: string;
  bot?: { id?: string; username?: string };
  /** The guilds the bot is in; the default test guild when omitted (see DEFAULT_IDS). */
  guilds?: GuildSeed[];
  /** HELLO's heartbeat interval; Discord's is 41250 ms. */
  heartbeatIntervalMs?: number;
  /** The first callback must come within this long (Discord: 3000 ms). */
  ackDeadlineMs?: number;
  /** The interaction webhook works this long (Discord: 15 minutes). */
  tokenLifetimeMs?: number;
  rateLimits?: {
    /** POST /channels/{id}/messages, per channel. Default 5 per 5 s. */
    channelMessages?: RateLimitRule | false;
    /** Every other bot and webhook route, per route and major parameter. Default 50 per second. */
    default?: RateLimitRule | false;
  };
  /** Off by default. When set, member requests (op 8) for one guild closer together than this get a RATE_LIMITED dispatch. */
  memberRequestCooldownMs?: number;
  /** Privileged intents the app has been granted; others close the gateway with 4014. Default: all three. */
  allowedPrivilegedIntents?: number;
}

export interface DiscordEmulatorEvents {
  /** A message was created, edited or deleted (channel posts, interaction responses, DMs). */
  message: [message: EmulatedMessage, change: 'create' | 'update' | 'delete'];
  interaction: [handle: InteractionHandle];
  response: [handle: InteractionHandle, response: InteractionResponseRecord];
  request: [record: RequestRecord];
  /** One human-readable line (possibly multi-line) per interaction, response and bot message. */
  transcript: [line: string];
}

const PRIVILEGED_ALL =
  GatewayIntentBits.GuildMembers |
  GatewayIntentBits.GuildPresences |
  GatewayIntentBits.MessageContent;
const DEFAULT_WAIT_MS = 5_000;

/** The emulator's clock: real time plus whatever `advanceTime` added; fractional ms. */
class Clock {
  offset = 0;
  readonly now = (): number => performance.timeOrigin + performance.now() + this.offset;
}

export class DiscordEmulator extends EventEmitter<DiscordEmulatorEvents> {
  readonly token: string;
  readonly applicationId: string;
  readonly botId: string;
  readonly state: GuildState;
  readonly limiter = new RateLimiter();
  readonly restFaults = new RestFaults();
  readonly requests: RequestRecord[] = [];
  /** Emulator bugs answered with 500; a test can assert this stays empty. */
  readonly internalErrors: unknown[] = [];
  private readonly clock = new Clock();
  private readonly store: MessageStore;
  private readonly commands: CommandRegistry;
  private readonly responder: InteractionResponder;
  private readonly factory: InteractionFactory;
  private readonly rest: RestServer;
  private gatewayServer: Server | null = null;
  private gatewayInstance: Gateway | null = null;
  private readonly host: string;
  private readonly restRules: { messages: RateLimitRule | false; default: RateLimitRule | false };

  constructor(private readonly options: DiscordEmulatorOptions = {}) {
    super();
    this.setMaxListeners(0);
    this.host = options.host ?? '127.0.0.1';
    this.token = options.token ?? DEFAULT_TOKEN;
    this.applicationId = options.applicationId ?? DEFAULT_IDS.application;
    this.botId = options.bot?.id ?? this.applicationId;
    const guilds = options.guilds ?? [defaultGuild()];
    checkIds([
      this.applicationId,
      this.botId,
      ...guilds.flatMap((g) => [
        g.id,
        g.ownerId,
        ...g.roles.map((r) => r.id),
        ...g.channels.map((c) => c.id),
        ...g.members.map((m) => m.id),
      ]),
    ]);
    const now = this.clock.now;
    this.restRules = {
      messages: options.rateLimits?.channelMessages ?? { limit: 5, windowMs: 5_000 },
      default: options.rateLimits?.default ?? { limit: 50, windowMs: 1_000 },
    };
    this.state = new GuildState(
      guilds,
      { id: this.botId, username: options.bot?.username ?? DEFAULT_BOT_NAME },
      now,
    );
    this.store = new MessageStore(now);
    this.commands = new CommandRegistry(this.applicationId);
    this.responder = new InteractionResponder(
      {
        applicationId: this.applicationId,
        ackDeadlineMs: options.ackDeadlineMs ?? 3_000,
        tokenLifetimeMs: options.tokenLifetimeMs ?? 15 * 60_000,
        now,
      },
      this.state,
      this.store,
    );
    this.factory = new InteractionFactory({
      state: this.state,
      messages: this.store,
      commands: this.commands,
      applicationId: this.applicationId,
      now,
      deliver: (payload, guildId) => {
        if (this.gateway.dispatch('INTERACTION_CREATE', payload, { guildId }) === 0) {
          throw new Error(
            'no bot session on the gateway to deliver the interaction to (log the client in first)',
          );
        }
      },
      register: (handle) => this.registerInteraction(handle),
    });
    this.rest = new RestServer({
      host: this.host,
      token: this.token,
      limiter: this.limiter,
      faults: this.restFaults,
      now,
      rules: this.restRules,
      context: {
        state: this.state,
        messages: this.store,
        commands: this.commands,
        responder: this.responder,
        applicationId: this.applicationId,
        gatewayUrl: () => this.gatewayUrl,
      },
      onRequest: (record) => {
        this.requests.push(record);
        this.emit('request', record);
      },
      onInternalError: (error) => this.internalErrors.push(error),
    });
    this.wireMessages();
  }

  /** Listens on both ports and wires the gateway; `startDiscordEmulator` calls this. */
  async listen(): Promise<this> {
    await this.rest.start(this.options.port ?? 0);
    this.gatewayServer = await listenGatewayServer(this.host, this.options.gatewayPort ?? 0);
    const address = this.gatewayServer.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    this.gatewayInstance = new Gateway(this.gatewayServer, {
      url: `ws://${this.host}:${port}`,
      token: this.token,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 41_250,
      allowedPrivilegedIntents: this.options.allowedPrivilegedIntents ?? PRIVILEGED_ALL,
      ...(this.options.memberRequestCooldownMs === undefined
        ? {}
        : { memberRequestCooldownMs: this.options.memberRequestCooldownMs }),
      ready: () => ({
        user: { ...userJson(this.state.user(this.botId)), verified: true, mfa_enabled: false },
        application: {
          id: this.applicationId,
          flags: applicationFlags(this.options.allowedPrivilegedIntents ?? PRIVILEGED_ALL),
        },
      }),
      guildIds: () => [...this.state.guilds.keys()],
      guildCreate: (guildId, intents) => {
        const guild = this.state.guild(guildId);
        const joinedAt =
          guild.members.get(this.botId)?.joinedAt ?? new Date(this.clock.now()).toISOString();
        return guildCreateJson(
          this.state,
          guild,
          (intents & GatewayIntentBits.GuildMembers) !== 0,
          joinedAt,
        );
      },
      membersChunk: ({ guildId, query, limit, userIds }) => {
        const guild = this.state.guild(guildId);
        const { members, notFound } = this.state.findMembers(guildId, { query, limit, userIds });
        return { members: members.map((m) => memberJson(this.state, guild, m)), notFound };
      },
    });
    syncGateway(this.state, this.store, this.gatewayInstance);
    return this;
  }

  /** `http://host:port/api`, for `new Client({ rest: { api } })` (discord.js adds /v10). */
  get apiUrl(): string {
    return `http://${this.host}:${this.rest.port}/api`;
  }

  get gatewayUrl(): string {
    return this.gateway.url;
  }

  get gateway(): Gateway {
    if (!this.gatewayInstance) throw new Error('the emulator is not listening yet');
    return this.gatewayInstance;
  }

  // ── Interactions ───────────────────────────────────────────────────────────

  /** Injects a slash command (type 2) and returns its handle. */
  slashCommand(input: SlashCommandInput): InteractionHandle {
    return this.factory.slashCommand(input);
  }

  /** Injects an autocomplete request (type 4) with `focused` as the option being typed. */
  autocomplete(input: AutocompleteInput): InteractionHandle {
    return this.factory.autocomplete(input);
  }

  /** Injects a button click (type 3) on a message the bot sent; the button must exist and be enabled. */
  clickButton(input: ComponentInput): InteractionHandle {
    return this.factory.clickButton(input);
  }

  /** Injects a select menu choice (type 3). */
  selectMenu(input: SelectInput): InteractionHandle {
    return this.factory.selectMenu(input);
  }

  /** Injects a modal submission (type 5), mirroring and checked against the modal `from` showed. */
  submitModal(input: ModalSubmitInput): InteractionHandle {
    return this.factory.submitModal(input);
  }

  get interactions(): readonly InteractionHandle[] {
    return this.responder.all;
  }

  /** Dispatch → acknowledgement latency (ms) of every acknowledged interaction, in order. */
  ackLatencies(): number[] {
    return this.responder.all.map((h) => h.ackLatencyMs).filter((ms): ms is number => ms !== null);
  }

  setAckDeadline(ms: number): void {
    this.responder.setAckDeadline(ms);
  }

  setTokenLifetime(ms: number): void {
    this.responder.setTokenLifetime(ms);
  }

  /** Moves the emulator's clock forward: interaction deadlines and token expiry, without waiting. Rate limits keep real time. */
  advanceTime(ms: number): void {
    this.clock.offset += ms;
  }

  now(): number {
    return this.clock.now();
  }

  // ── Introspection ──────────────────────────────────────────────────────────

  /** The channel's messages in order (not ephemeral ones), as they are now. */
  messages(channelId: string): EmulatedMessage[] {
    return this.store.inChannel(channelId).map((m) => structuredClone(m));
  }

  message(id: string): EmulatedMessage | null {
    const message = this.store.get(id);
    return message ? structuredClone(message) : null;
  }

  /** Messages the bot sent to this user by DM. */
  dms(userId: string): EmulatedMessage[] {
    const channelId = this.state.dmChannelId(userId);
    return channelId ? this.messages(channelId) : [];
  }

  bans(guildId: string = this.firstGuildId()): BanRecord[] {
    return [...this.state.guild(guildId).bans.values()].map((b) => ({ ...b }));
  }

  get kicks(): KickRecord[] {
    return this.state.kicks.map((k) => ({ ...k }));
  }

  get roleChanges(): RoleChangeRecord[] {
    return this.state.roleChanges.map((r) => ({ ...r }));
  }

  /** A member's current roles, nickname and timeout, or null when they are not in the guild. */
  member(
    userId: string,
    guildId: string = this.firstGuildId(),
  ): { roles: string[]; nick: string | null; communicationDisabledUntil: string | null } | null {
    const member = this.state.guild(guildId).members.get(userId);
    return member
      ? {
          roles: [...member.roles],
          nick: member.nick,
          communicationDisabledUntil: member.communicationDisabledUntil,
        }
      : null;
  }

  /** Commands registered globally (no argument) or for a guild. */
  registeredCommands(guildId?: string): RegisteredCommand[] {
    return this.commands.list(guildId ?? null);
  }

  /** Requests whose route the emulator does not know (answered 404/405). */
  unknownRoutes(): RequestRecord[] {
    return this.requests.filter((r) => r.route === null);
  }

  /** How many requests were answered 429. */
  get rateLimitedCount(): number {
    return this.limiter.refused;
  }

  /** Resolves with the first message in the channel (already there, created or edited later) that matches. */
  waitForMessage(
    channelId: string,
    predicate: (m: EmulatedMessage) => boolean = () => true,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<EmulatedMessage> {
    return this.waitForMessageWhere(
      (m) => m.channelId === channelId,
      predicate,
      timeoutMs,
      `in channel ${channelId}`,
    );
  }

  /** Like waitForMessage, for the bot's DMs to a user. */
  waitForDm(
    userId: string,
    predicate: (m: EmulatedMessage) => boolean = () => true,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<EmulatedMessage> {
    return this.waitForMessageWhere(
      (m) => m.channelId === this.state.dmChannelId(userId),
      predicate,
      timeoutMs,
      `in the DMs of ${userId}`,
    );
  }

  /** Resolves with the first request (already made or later) that matches. */
  waitForRequest(
    predicate: (r: RequestRecord) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<RequestRecord> {
    const found = this.requests.find(predicate);
    if (found) return Promise.resolve(found);
    return this.waitForEvent('request', (r) => predicate(r), timeoutMs, 'no matching request').then(
      ([r]) => r,
    );
  }

  private waitForMessageWhere(
    where: (m: EmulatedMessage) => boolean,
    predicate: (m: EmulatedMessage) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<EmulatedMessage> {
    const existing = this.store.all().find((m) => !m.ephemeral && where(m) && predicate(m));
    if (existing) return Promise.resolve(structuredClone(existing));
    return this.waitForEvent(
      'message',
      (m, change) => change !== 'delete' && !m.ephemeral && where(m) && predicate(m),
      timeoutMs,
      `no matching message ${what}`,
    ).then(([m]) => structuredClone(m));
  }

  private waitForEvent<K extends keyof DiscordEmulatorEvents>(
    event: K,
    predicate: (...args: DiscordEmulatorEvents[K]) => boolean,
    timeoutMs: number,
    failure: string,
  ): Promise<DiscordEmulatorEvents[K]> {
    return new Promise((resolve, reject) => {
      const listener = (...args: DiscordEmulatorEvents[K]): void => {
        if (!predicate(...args)) return;
        cleanup();
        resolve(args);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${failure} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off(event, listener as never);
      };
      this.on(event, listener as never);
    });
  }

  // ── Faults and changes to the world ────────────────────────────────────────

  /** Changes the rate limits from now on (`false` turns one off); counting restarts. */
  setRateLimits(rules: NonNullable<DiscordEmulatorOptions['rateLimits']>): void {
    if (rules.channelMessages !== undefined) this.restRules.messages = rules.channelMessages;
    if (rules.default !== undefined) this.restRules.default = rules.default;
    this.limiter.reset();
  }

  /** REST answers `status` (503 by default) for matching routes, for a while or a number of requests; returns an undo. */
  failRest(options: RestFaultOptions & { status?: number } = {}): () => void {
    return this.restFaults.fail(options);
  }

  /** Matching requests wait `ms` before they are handled; returns an undo. */
  delayRest(options: RestFaultOptions & { ms: number }): () => void {
    return this.restFaults.delay(options);
  }

  clearFaults(): void {
    this.restFaults.clear();
  }

  /** The channel is gone: REST answers 404 code 10003. The gateway tells clients (CHANNEL_DELETE) unless `notify` is false. */
  deleteChannel(channelId: string, options: { notify?: boolean } = {}): void {
    if (options.notify === false) this.state.channel(channelId).deleted = true;
    else this.state.deleteChannel(channelId);
  }

  restoreChannel(channelId: string): void {
    this.state.restoreChannel(channelId);
  }

  /** The user turns DMs from server members off (or back on): sends answer 403 code 50007. */
  setDmClosed(userId: string, closed = true): void {
    this.state.setDmClosed(userId, closed);
  }

  addMember(member: MemberSeed, guildId: string = this.firstGuildId()): void {
    this.state.addMember(guildId, member);
  }

  removeMember(userId: string, guildId: string = this.firstGuildId()): void {
    this.state.removeMember(guildId, userId);
  }

  addUser(user: { id: string; username: string; globalName?: string | null; bot?: boolean }): void {
    this.state.addUser(user);
  }

  /**
   * Cuts every gateway connection: 1006 (default) without a close frame, or a close code such as
   * 4000. discord.js resumes, unless `stayDown`: then every reconnection is cut too, until
   * `restoreGateway()` (an outage on Discord's side).
   */
  dropGateway(code = 1006, options: { stayDown?: boolean } = {}): void {
    this.gateway.drop(code, options.stayDown ?? false);
  }

  /** Ends an outage begun with `dropGateway(code, { stayDown: true })`. */
  restoreGateway(): void {
    this.gateway.restore();
  }

  /** Sends op 7 Reconnect; discord.js reconnects and resumes. */
  requestReconnect(): void {
    this.gateway.requestReconnect();
  }

  /** Takes the REST side down: connections are refused until `startRest()`. */
  stopRest(): Promise<void> {
    return this.rest.stop();
  }

  startRest(): Promise<void> {
    return this.rest.start();
  }

  /** Call after `client.destroy()`: closes every socket and both servers. */
  async close(): Promise<void> {
    await this.rest.stop();
    if (this.gatewayInstance) await this.gatewayInstance.close();
    const server = this.gatewayServer;
    this.gatewayServer = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  // ── Wiring ─────────────────────────────────────────────────────────────────

  private firstGuildId(): string {
    const first = this.state.guilds.keys().next();
    if (first.done) throw new Error('the emulator has no guild');
    return first.value;
  }

  private username(id: string): string {
    return this.state.users.get(id)?.username ?? id;
  }

  private registerInteraction(handle: InteractionHandle): void {
    this.responder.register(handle);
    const user =
      (handle.payload.member as { user?: { id: string } } | undefined)?.user?.id ??
      (handle.payload.user as { id: string } | undefined)?.id ??
      '?';
    this.emit('interaction', handle);
    this.emit(
      'transcript',
      `${this.username(user)} ▸ ${renderInteraction(handle.payload, (id) => this.state.users.get(id)?.username)}`,
    );
    handle.onResponse((response) => {
      this.emit('response', handle, response);
      this.emit('transcript', renderResponse(response));
    });
  }

  /** Every message change as an event, and bot posts (not interaction responses) in the transcript. */
  private wireMessages(): void {
    for (const change of ['create', 'update', 'delete'] as const) {
      this.store.on(change, (message) => this.emit('message', structuredClone(message), change));
    }
    this.store.on('create', (message) => {
      if (message.interactionId) return;
      const channel = this.state.channels.get(message.channelId);
      const where = channel?.recipientId
        ? `DM ${this.username(channel.recipientId)}`
        : `#${channel?.name ?? message.channelId}`;
      this.emit('transcript', `${where} ◂ ${indentLines(renderMessage(message))}`);
    });
  }
}

/** Starts an emulator on loopback (free ports unless given). */
export async function startDiscordEmulator(
  options: DiscordEmulatorOptions = {},
): Promise<DiscordEmulator> {
  return new DiscordEmulator(options).listen();
}

function checkIds(ids: string[]): void {
  const bad = ids.filter((id) => !isSnowflake(id));
  if (bad.length > 0) throw new Error(`not snowflakes (17–20 digits): ${bad.join(', ')}`);
}

/** READY's application flags: the "limited" gateway intent flags for the privileged intents granted. */
function applicationFlags(privileged: number): number {
  let flags = 1 << 23; // APPLICATION_COMMAND_BADGE
  if (privileged & GatewayIntentBits.GuildPresences) flags |= 1 << 13;
  if (privileged & GatewayIntentBits.GuildMembers) flags |= 1 << 15;
  if (privileged & GatewayIntentBits.MessageContent) flags |= 1 << 19;
  return flags;
}
