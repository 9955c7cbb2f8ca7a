import type { ClientEvents } from 'discord.js';

/** One Discord gateway event handler: the event's name, whether it runs once, and what it does. */
export interface BotEvent<K extends keyof ClientEvents = keyof ClientEvents> {
  name: K;
  once?: boolean;
  execute(...args: ClientEvents[K]): Promise<void> | void;
}
