import type {
  ChannelRecord,
  GuildRecord,
  GuildState,
  MemberRecord,
  RoleRecord,
  UserRecord,
} from './guild-state.js';
import type { EmulatedMessage } from './types.js';

/** The API's JSON shapes for the emulator's records, with the fields discord.js reads. */

type Json = Record<string, unknown>;

export function userJson(user: UserRecord): Json {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.globalName,
    avatar: null,
    bot: user.bot,
    system: false,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
  };
}

export function roleJson(role: RoleRecord, botId: string): Json {
  return {
    id: role.id,
    name: role.name,
    color: role.color,
    colors: { primary_color: role.color, secondary_color: null, tertiary_color: null },
    hoist: role.hoist,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions.toString(),
    managed: role.managed,
    mentionable: false,
    flags: 0,
    // A managed role belongs to an integration; here always the bot's.
    ...(role.managed ? { tags: { bot_id: botId } } : {}),
  };
}

/** A guild member; `withUser: false` is the shape of `resolved.members` in interactions. */
export function memberJson(
  state: GuildState,
  guild: GuildRecord,
  member: MemberRecord,
  withUser = true,
): Json {
  return {
    ...(withUser ? { user: userJson(state.user(member.userId)) } : {}),
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: [...member.roles],
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: member.communicationDisabledUntil,
  };
}

export function channelJson(state: GuildState, channel: ChannelRecord): Json {
  if (channel.recipientId) {
    return {
      id: channel.id,
      type: channel.type,
      last_message_id: null,
      flags: 0,
      recipients: [userJson(state.user(channel.recipientId))],
    };
  }
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    position: channel.position,
    parent_id: channel.parentId,
    topic: channel.topic,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
    permission_overwrites: channel.overwrites.map((o) => ({
      id: o.id,
      type: o.type,
      allow: o.allow.toString(),
      deny: o.deny.toString(),
    })),
  };
}

/** The REST guild object (GET /guilds/{id}); GUILD_CREATE adds members and more. */
export function guildJson(state: GuildState, guild: GuildRecord): Json {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 1,
    default_message_notifications: 1,
    explicit_content_filter: 2,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    preferred_locale: guild.locale,
    features: [],
    roles: [...guild.roles.values()].map((r) => roleJson(r, state.botUser.id)),
    emojis: [],
    stickers: [],
    max_members: 500000,
    max_video_channel_users: 25,
    premium_progress_bar_enabled: false,
    application_id: null,
  };
}

export function guildCreateJson(
  state: GuildState,
  guild: GuildRecord,
  withAllMembers: boolean,
  joinedAt: string,
): Json {
  const members = [...guild.members.values()].filter(
    (m) => withAllMembers || m.userId === state.botUser.id,
  );
  return {
    ...guildJson(state, guild),
    unavailable: false,
    large: false,
    lazy: true,
    joined_at: joinedAt,
    member_count: guild.members.size,
    channels: state.guildChannels(guild).map((c) => channelJson(state, c)),
    members: members.map((m) => memberJson(state, guild, m)),
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function messageJson(state: GuildState, message: EmulatedMessage): Json {
  const author = state.users.get(message.authorId);
  return {
    id: message.id,
    channel_id: message.channelId,
    ...(message.guildId ? { guild_id: message.guildId } : {}),
    type: message.messageReference ? 19 : message.interactionId ? 20 : 0,
    content: message.content,
    author: author
      ? userJson(author)
      : { id: message.authorId, username: 'unknown', discriminator: '0' },
    embeds: message.embeds,
    components: message.components,
    attachments: message.attachments.map((a) => ({
      ...a,
      url: `https://cdn.invalid/${a.id}/${a.filename}`,
      proxy_url: `https://cdn.invalid/${a.id}/${a.filename}`,
    })),
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
    timestamp: message.timestamp,
    edited_timestamp: message.editedTimestamp,
    flags: message.flags,
    ...(message.webhookId
      ? { webhook_id: message.webhookId, application_id: message.webhookId }
      : {}),
    ...(message.messageReference ? { message_reference: message.messageReference } : {}),
    ...(message.interaction ? interactionFields(state, message.interaction) : {}),
  };
}

/** Who ran the interaction a message answers: `interaction_metadata`, and the older `interaction` discord.js still reads. */
function interactionFields(
  state: GuildState,
  interaction: NonNullable<EmulatedMessage['interaction']>,
): Json {
  const user = state.users.get(interaction.userId);
  const userPayload = user
    ? userJson(user)
    : { id: interaction.userId, username: 'unknown', discriminator: '0' };
  return {
    interaction_metadata: {
      id: interaction.id,
      type: interaction.type,
      user: userPayload,
      authorizing_integration_owners: {},
      ...(interaction.name ? { name: interaction.name } : {}),
    },
    interaction: {
      id: interaction.id,
      type: interaction.type,
      name: interaction.name ?? '',
      user: userPayload,
    },
  };
}
