import type { APIEmbed } from 'discord.js';

/** What a test or the demo describes; every id is a snowflake string. */
export interface RoleSeed {
  id: string;
  name: string;
  /** Higher outranks lower; @everyone is 0. */
  position: number;
  /** A permission bitfield (bigint or its decimal string). */
  permissions: bigint | string;
  /** Integration roles (the bot's own) cannot be given or taken. */
  managed?: boolean;
  color?: number;
  hoist?: boolean;
}

export interface PermissionOverwriteSeed {
  /** A role id (the guild id for @everyone) or a user id. */
  id: string;
  type: 'role' | 'member';
  allow?: bigint | string;
  deny?: bigint | string;
}

export interface ChannelSeed {
  id: string;
  name: string;
  /** A ChannelType; 0 (text) by default. */
  type?: number;
  position?: number;
  parentId?: string | null;
  topic?: string | null;
  permissionOverwrites?: PermissionOverwriteSeed[];
}

export interface MemberSeed {
  id: string;
  username: string;
  globalName?: string | null;
  nick?: string | null;
  /** Role ids, not counting @everyone. */
  roles?: string[];
  bot?: boolean;
  /** The member turned off DMs from server members: DMs answer 403 code 50007. */
  dmClosed?: boolean;
  joinedAt?: string;
}

export interface GuildSeed {
  id: string;
  name: string;
  ownerId: string;
  /** @everyone's permissions; ignored when `roles` has a role whose id is the guild id. */
  everyonePermissions?: bigint | string;
  roles: RoleSeed[];
  channels: ChannelSeed[];
  /** The bot is added (with every managed role) when it is not listed. */
  members: MemberSeed[];
  preferredLocale?: string;
}

/** A message as the emulator keeps it: channel posts, interaction responses, DMs. */
export interface EmulatedMessage {
  id: string;
  channelId: string;
  guildId: string | null;
  authorId: string;
  content: string;
  embeds: APIEmbed[];
  components: unknown[];
  attachments: Array<{ id: string; filename: string; size: number; content_type?: string }>;
  flags: number;
  timestamp: string;
  editedTimestamp: string | null;
  /** Only the invoker sees it; never listed in the channel. */
  ephemeral: boolean;
  /** A deferred reply still "thinking" (flag 128). */
  loading: boolean;
  deleted: boolean;
  /** Set for interaction responses and follow-ups. */
  interactionId: string | null;
  /** Who ran the interaction a response answers, and which (for `interaction_metadata`). */
  interaction: { id: string; type: number; userId: string; name: string | null } | null;
  webhookId: string | null;
  messageReference: { message_id?: string; channel_id?: string; guild_id?: string } | null;
}

export interface BanRecord {
  guildId: string;
  userId: string;
  reason: string | null;
  deleteMessageSeconds: number;
  at: number;
}

export interface KickRecord {
  guildId: string;
  userId: string;
  reason: string | null;
  at: number;
}

export interface RoleChangeRecord {
  guildId: string;
  userId: string;
  roleId: string;
  action: 'add' | 'remove';
  reason: string | null;
  at: number;
}

export interface RequestRecord {
  method: string;
  /** The decoded path below /api/v10, e.g. /channels/123/messages. */
  path: string;
  /** The matched route template, e.g. POST /channels/:channelId/messages; null for unknown routes. */
  route: string | null;
  status: number;
  /** Discord's JSON error code when the answer was an error. */
  code?: number;
  at: number;
}
