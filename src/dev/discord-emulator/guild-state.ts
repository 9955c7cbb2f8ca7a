import { EventEmitter } from 'node:events';
import { ChannelType, PermissionFlagsBits } from 'discord.js';
import { apiError } from './errors.js';
import { snowflake } from './ids.js';
import {
  computePermissions,
  DEFAULT_EVERYONE_PERMISSIONS,
  has,
  toBits,
  type Overwrite,
} from './permissions.js';
import type {
  BanRecord,
  ChannelSeed,
  GuildSeed,
  KickRecord,
  MemberSeed,
  RoleChangeRecord,
} from './types.js';

export interface UserRecord {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
  dmClosed: boolean;
}

export interface RoleRecord {
  id: string;
  name: string;
  position: number;
  permissions: bigint;
  managed: boolean;
  color: number;
  hoist: boolean;
}

export interface ChannelRecord {
  id: string;
  guildId: string | null;
  type: number;
  name: string;
  position: number;
  parentId: string | null;
  topic: string | null;
  overwrites: Overwrite[];
  /** For DM channels: the other user. */
  recipientId: string | null;
  deleted: boolean;
}

export interface MemberRecord {
  userId: string;
  roles: string[];
  nick: string | null;
  joinedAt: string;
  /** A timeout's end (ISO), or null. */
  communicationDisabledUntil: string | null;
}

export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  locale: string;
  roles: Map<string, RoleRecord>;
  channelIds: string[];
  members: Map<string, MemberRecord>;
  bans: Map<string, BanRecord>;
}

/** What the gateway must tell connected clients about, so their caches stay right. */
interface StateEvents {
  memberAdd: [guildId: string, userId: string];
  memberRemove: [guildId: string, userId: string];
  memberUpdate: [guildId: string, userId: string];
  banAdd: [guildId: string, userId: string];
  banRemove: [guildId: string, userId: string];
  channelCreate: [channelId: string];
  channelDelete: [channelId: string];
}

/** Guilds, their roles, channels, members and bans, users and DM channels; enforces Discord's rules on changes. */
export class GuildState extends EventEmitter<StateEvents> {
  readonly users = new Map<string, UserRecord>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly kicks: KickRecord[] = [];
  readonly roleChanges: RoleChangeRecord[] = [];
  private readonly dmChannelByUser = new Map<string, string>();

  constructor(
    seeds: GuildSeed[],
    readonly botUser: { id: string; username: string },
    private readonly now: () => number,
  ) {
    super();
    this.users.set(botUser.id, {
      id: botUser.id,
      username: botUser.username,
      globalName: null,
      bot: true,
      dmClosed: false,
    });
    for (const seed of seeds) this.addGuild(seed);
  }

  private addGuild(seed: GuildSeed): void {
    const roles = new Map<string, RoleRecord>();
    if (!seed.roles.some((r) => r.id === seed.id)) {
      const permissions =
        seed.everyonePermissions === undefined
          ? DEFAULT_EVERYONE_PERMISSIONS
          : toBits(seed.everyonePermissions);
      roles.set(seed.id, {
        id: seed.id,
        name: '@everyone',
        position: 0,
        permissions,
        managed: false,
        color: 0,
        hoist: false,
      });
    }
    for (const r of seed.roles) {
      roles.set(r.id, {
        id: r.id,
        name: r.name,
        position: r.position,
        permissions: toBits(r.permissions),
        managed: r.managed ?? false,
        color: r.color ?? 0,
        hoist: r.hoist ?? false,
      });
    }
    const guild: GuildRecord = {
      id: seed.id,
      name: seed.name,
      ownerId: seed.ownerId,
      locale: seed.preferredLocale ?? 'en-US',
      roles,
      channelIds: [],
      members: new Map(),
      bans: new Map(),
    };
    this.guilds.set(guild.id, guild);
    for (const channel of seed.channels) this.addChannel(guild, channel);
    const members = [...seed.members];
    if (!members.some((m) => m.id === this.botUser.id)) {
      const managed = seed.roles.filter((r) => r.managed).map((r) => r.id);
      members.push({
        id: this.botUser.id,
        username: this.botUser.username,
        bot: true,
        roles: managed,
      });
    }
    for (const member of members) this.putMember(guild, member);
  }

  private addChannel(guild: GuildRecord, seed: ChannelSeed): ChannelRecord {
    const channel: ChannelRecord = {
      id: seed.id,
      guildId: guild.id,
      type: seed.type ?? ChannelType.GuildText,
      name: seed.name,
      position: seed.position ?? guild.channelIds.length,
      parentId: seed.parentId ?? null,
      topic: seed.topic ?? null,
      overwrites: (seed.permissionOverwrites ?? []).map((o) => ({
        id: o.id,
        type: o.type === 'role' ? 0 : 1,
        allow: toBits(o.allow),
        deny: toBits(o.deny),
      })),
      recipientId: null,
      deleted: false,
    };
    this.channels.set(channel.id, channel);
    guild.channelIds.push(channel.id);
    return channel;
  }

  private putMember(guild: GuildRecord, seed: MemberSeed): MemberRecord {
    const existing = this.users.get(seed.id);
    this.users.set(seed.id, {
      id: seed.id,
      username: seed.username,
      globalName: seed.globalName ?? existing?.globalName ?? null,
      bot: seed.bot ?? existing?.bot ?? false,
      dmClosed: seed.dmClosed ?? existing?.dmClosed ?? false,
    });
    const member: MemberRecord = {
      userId: seed.id,
      roles: (seed.roles ?? []).filter((r) => r !== guild.id),
      nick: seed.nick ?? null,
      joinedAt: seed.joinedAt ?? new Date(this.now()).toISOString(),
      communicationDisabledUntil: null,
    };
    guild.members.set(seed.id, member);
    return member;
  }

  guild(id: string): GuildRecord {
    const guild = this.guilds.get(id);
    if (!guild) throw apiError(10004);
    return guild;
  }

  channel(id: string): ChannelRecord {
    const channel = this.channels.get(id);
    if (!channel || channel.deleted) throw apiError(10003);
    return channel;
  }

  user(id: string): UserRecord {
    const user = this.users.get(id);
    if (!user) throw apiError(10013);
    return user;
  }

  member(guildId: string, userId: string): MemberRecord {
    const member = this.guild(guildId).members.get(userId);
    if (!member) throw apiError(10007);
    return member;
  }

  /** What a member request (gateway op 8) finds: given ids, or usernames/nicknames starting with the query; limit 0 = all. */
  findMembers(
    guildId: string,
    request: { query: string; limit: number; userIds: string[] | null },
  ): { members: MemberRecord[]; notFound: string[] } {
    const guild = this.guild(guildId);
    let members = [...guild.members.values()];
    const notFound: string[] = [];
    if (request.userIds) {
      notFound.push(...request.userIds.filter((id) => !guild.members.has(id)));
      members = members.filter((m) => request.userIds!.includes(m.userId));
    } else if (request.query) {
      const q = request.query.toLowerCase();
      members = members.filter(
        (m) =>
          this.user(m.userId).username.toLowerCase().startsWith(q) ||
          (m.nick ?? '').toLowerCase().startsWith(q),
      );
    }
    return { members: request.limit > 0 ? members.slice(0, request.limit) : members, notFound };
  }

  guildChannels(guild: GuildRecord): ChannelRecord[] {
    return guild.channelIds.map((id) => this.channels.get(id)!).filter((c) => !c.deleted);
  }

  /** The member's highest role position; the owner outranks every role. */
  highestPosition(guild: GuildRecord, userId: string): number {
    if (userId === guild.ownerId) return Number.POSITIVE_INFINITY;
    const member = guild.members.get(userId);
    return Math.max(0, ...(member?.roles ?? []).map((id) => guild.roles.get(id)?.position ?? 0));
  }

  /** Guild-wide permissions, or in a channel (with its overwrites) when one is given. */
  permissions(guildId: string, userId: string, channelId?: string): bigint {
    const guild = this.guild(guildId);
    const roleIds = guild.members.get(userId)?.roles ?? [];
    return computePermissions({
      isOwner: userId === guild.ownerId,
      everyone: guild.roles.get(guild.id)?.permissions ?? 0n,
      rolePermissions: roleIds.map((id) => guild.roles.get(id)?.permissions ?? 0n),
      guildId,
      userId,
      roleIds,
      overwrites: channelId ? this.channels.get(channelId)?.overwrites : undefined,
    });
  }

  /** Discord's checks for ban and kick: the bot has the permission and outranks the target; the owner is untouchable. */
  private assertCanModerate(guild: GuildRecord, targetId: string, bit: bigint): void {
    const botId = this.botUser.id;
    if (!has(this.permissions(guild.id, botId), bit)) throw apiError(50013);
    if (targetId === guild.ownerId) throw apiError(50013);
    if (
      guild.members.has(targetId) &&
      this.highestPosition(guild, targetId) >= this.highestPosition(guild, botId)
    ) {
      throw apiError(50013);
    }
  }

  /** Giving or taking a role needs Manage Roles and a role below the bot's highest; managed roles are off limits. */
  private assertCanManageRole(guild: GuildRecord, roleId: string): RoleRecord {
    const role = guild.roles.get(roleId);
    if (!role || role.id === guild.id) throw apiError(10011);
    const botId = this.botUser.id;
    if (!has(this.permissions(guild.id, botId), PermissionFlagsBits.ManageRoles))
      throw apiError(50013);
    if (role.managed || role.position >= this.highestPosition(guild, botId)) throw apiError(50013);
    return role;
  }

  ban(guildId: string, userId: string, reason: string | null, deleteMessageSeconds: number): void {
    const guild = this.guild(guildId);
    this.user(userId);
    this.assertCanModerate(guild, userId, PermissionFlagsBits.BanMembers);
    guild.bans.set(userId, { guildId, userId, reason, deleteMessageSeconds, at: this.now() });
    if (guild.members.delete(userId)) this.emit('memberRemove', guildId, userId);
    this.emit('banAdd', guildId, userId);
  }

  unban(guildId: string, userId: string): void {
    const guild = this.guild(guildId);
    if (!has(this.permissions(guildId, this.botUser.id), PermissionFlagsBits.BanMembers))
      throw apiError(50013);
    if (!guild.bans.delete(userId)) throw apiError(10026);
    this.emit('banRemove', guildId, userId);
  }

  kick(guildId: string, userId: string, reason: string | null): void {
    const guild = this.guild(guildId);
    this.member(guildId, userId);
    this.assertCanModerate(guild, userId, PermissionFlagsBits.KickMembers);
    guild.members.delete(userId);
    this.kicks.push({ guildId, userId, reason, at: this.now() });
    this.emit('memberRemove', guildId, userId);
  }

  changeRole(
    guildId: string,
    userId: string,
    roleId: string,
    action: 'add' | 'remove',
    reason: string | null,
  ): void {
    const guild = this.guild(guildId);
    const member = this.member(guildId, userId);
    this.assertCanManageRole(guild, roleId);
    const had = member.roles.includes(roleId);
    if (action === 'add' && !had) member.roles.push(roleId);
    if (action === 'remove' && had) member.roles = member.roles.filter((r) => r !== roleId);
    this.roleChanges.push({ guildId, userId, roleId, action, reason, at: this.now() });
    if (had !== (action === 'add')) this.emit('memberUpdate', guildId, userId);
  }

  /**
   * PATCH of a member: a new role list, a nickname and/or a timeout. Every added or removed role
   * is checked and recorded; a timeout needs Moderate Members and a target below the bot, and
   * Discord refuses to time out the owner or an administrator.
   */
  updateMember(
    guildId: string,
    userId: string,
    patch: { roles?: string[]; nick?: string | null; communicationDisabledUntil?: string | null },
    reason: string | null,
  ): void {
    const guild = this.guild(guildId);
    const member = this.member(guildId, userId);
    if (patch.roles) {
      const next = [...new Set(patch.roles.filter((r) => r !== guild.id))];
      const added = next.filter((r) => !member.roles.includes(r));
      const removed = member.roles.filter((r) => !next.includes(r));
      for (const roleId of [...added, ...removed]) this.assertCanManageRole(guild, roleId);
      member.roles = next;
      const at = this.now();
      for (const roleId of added)
        this.roleChanges.push({ guildId, userId, roleId, action: 'add', reason, at });
      for (const roleId of removed)
        this.roleChanges.push({ guildId, userId, roleId, action: 'remove', reason, at });
    }
    if (patch.communicationDisabledUntil !== undefined) {
      this.assertCanModerate(guild, userId, PermissionFlagsBits.ModerateMembers);
      if (has(this.permissions(guildId, userId), PermissionFlagsBits.Administrator))
        throw apiError(50013);
      member.communicationDisabledUntil = patch.communicationDisabledUntil;
    }
    if (patch.nick !== undefined) {
      if (!has(this.permissions(guildId, this.botUser.id), PermissionFlagsBits.ManageNicknames))
        throw apiError(50013);
      member.nick = patch.nick;
    }
    this.emit('memberUpdate', guildId, userId);
  }

  /** A member joins (or rejoins); banned users cannot. */
  addMember(guildId: string, seed: MemberSeed): void {
    const guild = this.guild(guildId);
    if (guild.bans.has(seed.id)) throw new Error(`user ${seed.id} is banned from guild ${guildId}`);
    this.putMember(guild, seed);
    this.emit('memberAdd', guildId, seed.id);
  }

  /** A member leaves on their own. */
  removeMember(guildId: string, userId: string): void {
    if (this.guild(guildId).members.delete(userId)) this.emit('memberRemove', guildId, userId);
  }

  /** A user known to Discord who is in none of the guilds (e.g. someone who already left). */
  addUser(user: { id: string; username: string; globalName?: string | null; bot?: boolean }): void {
    this.users.set(user.id, {
      id: user.id,
      username: user.username,
      globalName: user.globalName ?? null,
      bot: user.bot ?? false,
      dmClosed: false,
    });
  }

  setDmClosed(userId: string, closed: boolean): void {
    this.user(userId).dmClosed = closed;
  }

  deleteChannel(channelId: string): void {
    this.channel(channelId).deleted = true;
    this.emit('channelDelete', channelId);
  }

  restoreChannel(channelId: string): void {
    const channel = this.channels.get(channelId);
    if (!channel?.deleted) return;
    channel.deleted = false;
    this.emit('channelCreate', channelId);
  }

  /** The bot's DM channel with a user, opened on first use (POST /users/@me/channels). */
  dmChannel(userId: string): ChannelRecord {
    this.user(userId);
    const existing = this.dmChannelByUser.get(userId);
    if (existing) return this.channels.get(existing)!;
    const channel: ChannelRecord = {
      id: snowflake(),
      guildId: null,
      type: ChannelType.DM,
      name: '',
      position: 0,
      parentId: null,
      topic: null,
      overwrites: [],
      recipientId: userId,
      deleted: false,
    };
    this.channels.set(channel.id, channel);
    this.dmChannelByUser.set(userId, channel.id);
    return channel;
  }

  dmChannelId(userId: string): string | undefined {
    return this.dmChannelByUser.get(userId);
  }

  /** Discord only delivers a bot's DM when the user shares a guild with it and allows DMs. */
  canDm(userId: string): boolean {
    const user = this.users.get(userId);
    if (!user || user.dmClosed || user.bot) return false;
    return [...this.guilds.values()].some((g) => g.members.has(userId));
  }
}
