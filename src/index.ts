import { startBot } from './bot.js';
import { loadConfig } from './config.js';
import { runEntryPoint } from './entry-point.js';

/**
 * `npm start`: the bot. Reads the CMS and Discord settings, waits for Redis, starts the CMS
 * workers for the bot's operations, the queue, the audit log and the Discord client. With
 * SANDBOX=true and no CMS settings it brings its own CMS emulator and registers its commands.
 * SIGINT/SIGTERM: no new interactions, those under way finish, everything closes, exit 0.
 */
process.exitCode = await runEntryPoint({
  name: 'bot',
  runs: 'bot',
  loadConfig: () => loadConfig(process.env, { discord: true }),
  start: startBot,
  stop: (bot) => bot.close(),
  // Interactions under way get about 10 s, then the CMS calls on the wire return.
  stopStepMs: 30_000,
});
// Anything still open (a Redis retry timer) must not keep a stopped bot alive.
process.exit();
