import type { ClientEvents } from 'discord.js';
import type { BotContext } from '../bot-context.js';

/** One Discord gateway event handler: the event's name, whether it runs once, and what it does. */
export interface BotEvent<K extends keyof ClientEvents = keyof ClientEvents> {
  name: K;
  once?: boolean;
  execute(context: BotContext, ...args: ClientEvents[K]): Promise<void> | void;
}

/** Typed definition of one event module. */
export function botEvent<K extends keyof ClientEvents>(event: BotEvent<K>): BotEvent<K> {
  return event;
}
