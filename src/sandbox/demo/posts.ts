import type { DiscordEmulator, EmulatedMessage } from '../../dev/discord-emulator/index.js';
import { postPlace } from './transcript.js';

/** The bot's own posts and DMs (not interaction replies), each shown by at most one step. */
export class BotPosts {
  private readonly ids: string[] = [];
  private readonly claimed = new Set<string>();

  constructor(private readonly discord: DiscordEmulator) {
    discord.on('message', (message, change) => {
      if (change === 'create' && !message.interactionId && message.authorId === discord.botId)
        this.ids.push(message.id);
    });
  }

  unclaimed(where: (m: EmulatedMessage) => boolean = () => true): EmulatedMessage[] {
    return this.ids
      .filter((id) => !this.claimed.has(id))
      .map((id) => this.discord.message(id))
      .filter((m): m is EmulatedMessage => m !== null && !m.deleted && where(m));
  }

  claim(id: string): void {
    this.claimed.add(id);
  }

  place(message: EmulatedMessage, names: (id: string) => string | undefined): string {
    const channel = this.discord.state.channels.get(message.channelId);
    const to = channel?.recipientId
      ? (names(channel.recipientId) ?? channel.recipientId)
      : undefined;
    return postPlace(channel?.name, to);
  }
}
