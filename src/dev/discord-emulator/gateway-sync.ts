import { GatewayIntentBits } from 'discord.js';
import type { Gateway } from './gateway.js';
import type { GuildState } from './guild-state.js';
import type { MessageStore } from './message-store.js';
import { channelJson, memberJson, messageJson, userJson } from './serialize.js';
import type { EmulatedMessage } from './types.js';

/**
 * Tells connected clients about every change made through REST or by a test, as Discord's gateway
 * does, so discord.js's caches stay right (a banned member leaves the member cache, a new role
 * shows on the member). Each event goes only to sessions with its intent.
 */
export function syncGateway(state: GuildState, store: MessageStore, gateway: Gateway): void {
  const { GuildMembers, GuildModeration, Guilds, GuildMessages, DirectMessages } =
    GatewayIntentBits;

  state.on('memberAdd', (guildId, userId) => {
    const guild = state.guild(guildId);
    gateway.dispatch(
      'GUILD_MEMBER_ADD',
      { ...memberJson(state, guild, guild.members.get(userId)!), guild_id: guildId },
      { intent: GuildMembers, guildId },
    );
  });
  state.on('memberUpdate', (guildId, userId) => {
    const guild = state.guild(guildId);
    const member = guild.members.get(userId);
    if (member)
      gateway.dispatch(
        'GUILD_MEMBER_UPDATE',
        { ...memberJson(state, guild, member), guild_id: guildId },
        { intent: GuildMembers, guildId },
      );
  });
  state.on('memberRemove', (guildId, userId) => {
    gateway.dispatch(
      'GUILD_MEMBER_REMOVE',
      { guild_id: guildId, user: userJson(state.user(userId)) },
      { intent: GuildMembers, guildId },
    );
  });
  state.on('banAdd', (guildId, userId) => {
    gateway.dispatch(
      'GUILD_BAN_ADD',
      { guild_id: guildId, user: userJson(state.user(userId)) },
      { intent: GuildModeration, guildId },
    );
  });
  state.on('banRemove', (guildId, userId) => {
    gateway.dispatch(
      'GUILD_BAN_REMOVE',
      { guild_id: guildId, user: userJson(state.user(userId)) },
      { intent: GuildModeration, guildId },
    );
  });
  for (const [event, t] of [
    ['channelDelete', 'CHANNEL_DELETE'],
    ['channelCreate', 'CHANNEL_CREATE'],
  ] as const) {
    state.on(event, (channelId) => {
      const channel = state.channels.get(channelId)!;
      gateway.dispatch(t, channelJson(state, channel), {
        intent: Guilds,
        guildId: channel.guildId,
      });
    });
  }

  // Ephemeral messages never reach the gateway.
  const dispatchMessage = (message: EmulatedMessage, t: string, data: unknown): void => {
    if (message.ephemeral) return;
    gateway.dispatch(t, data, {
      intent: message.guildId ? GuildMessages : DirectMessages,
      guildId: message.guildId,
    });
  };
  const withMember = (message: EmulatedMessage): Record<string, unknown> => {
    const guild = message.guildId ? state.guilds.get(message.guildId) : undefined;
    const member = guild?.members.get(message.authorId);
    return {
      ...messageJson(state, message),
      ...(guild && member ? { member: memberJson(state, guild, member, false) } : {}),
    };
  };
  store.on('create', (message) => dispatchMessage(message, 'MESSAGE_CREATE', withMember(message)));
  store.on('update', (message) => dispatchMessage(message, 'MESSAGE_UPDATE', withMember(message)));
  store.on('delete', (message) =>
    dispatchMessage(message, 'MESSAGE_DELETE', {
      id: message.id,
      channel_id: message.channelId,
      ...(message.guildId ? { guild_id: message.guildId } : {}),
    }),
  );
}
