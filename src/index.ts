import { startBot } from './bot.js';
import { ConfigError, loadConfig, readDotEnv } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { waitForRedis } from './redis-health.js';
import { startBuiltInCms } from './sandbox/built-in-cms.js';
import { Interrupted, lifecycle } from './shutdown.js';

/**
 * `npm start`: the bot. Reads the CMS and Discord settings, waits for Redis, starts the CMS
 * workers for the bot's operations, the queue, the audit log and the Discord client. With
 * SANDBOX=true and no CMS settings it brings its own CMS emulator and registers its commands.
 * SIGINT/SIGTERM: no new interactions, those under way finish, everything closes, exit 0.
 */
async function main(): Promise<number> {
  let logger: Logger | undefined;
  // Closing lets interactions under way finish (about 10 s), then the CMS calls on the wire.
  const life = lifecycle({
    stepMs: 30_000,
    onStepError: (error) => logger?.error({ err: error }, 'a part did not stop cleanly'),
  });
  try {
    readDotEnv();
    let config = loadConfig(process.env, { discord: true });
    logger = createLogger({ level: config.logLevel, name: 'bot', secrets: config.secrets });
    await waitForRedis(config.redisUrl, logger, life.signal);
    if (config.builtInCms) {
      const builtIn = await life.start(startBuiltInCms(config, logger), ({ emulator }) =>
        emulator.close(),
      );
      config = builtIn.config;
      logger.info(
        { cms: builtIn.emulator.url },
        'SANDBOX: CMS calls go to the built-in CMS emulator',
      );
    }
    await life.start(startBot(config, logger), (bot) => bot.close());
    logger.info({ pid: process.pid }, 'bot ready');
    return await life.wait(new Promise<never>(() => {}));
  } catch (error) {
    if (error instanceof Interrupted) {
      logger?.info({ signal: error.signalName }, 'stopping the bot');
      return 0;
    }
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else if (logger) logger.fatal({ err: error }, 'the bot stopped');
    else process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    return 1;
  } finally {
    await life.close();
  }
}

process.exitCode = await main();
// Anything still open (a Redis retry timer) must not keep a stopped bot alive.
process.exit();
