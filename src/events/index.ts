import type { BotEvent } from './event.js';
import { clientReady } from './discord/client-ready.js';
import { interactionCreate } from './discord/interaction-create.js';

export type { BotEvent } from './event.js';

/**
 * Every Discord event the bot handles, one module each, listed here explicitly. CMS push events
 * arrive over HTTP instead and have their own receiver.
 */
export const discordEvents: readonly BotEvent[] = [clientReady, interactionCreate] as BotEvent[];
