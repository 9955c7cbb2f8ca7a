import { Events } from 'discord.js';
import { botEvent } from '../event.js';

/** Says the bot is connected, and to which guilds. */
export const clientReady = botEvent({
  name: Events.ClientReady,
  once: true,
  execute(context, client) {
    context.logger.info(
      { user: client.user.tag, guilds: client.guilds.cache.size },
      'connected to Discord',
    );
  },
});
