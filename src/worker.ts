import { ConfigError, loadConfig, readDotEnv } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { startCmsWorkers } from './queue/index.js';
import { waitForRedis } from './redis-health.js';
import { startBuiltInCms } from './sandbox/built-in-cms.js';
import { Interrupted, lifecycle } from './shutdown.js';

/**
 * A process that only sends queued CMS calls. Run more of them (here or on other hosts sharing
 * the Redis) for resilience; the pacing holds across all of them. Needs the CMS side of the
 * configuration only; SANDBOX=true without CMS_API_URL sends to a built-in CMS emulator.
 */
async function main(): Promise<number> {
  // Signal handlers come first: SIGINT or SIGTERM at any point stops what was started.
  let logger: Logger | undefined;
  // Up to 25 s a part: closing workers lets the calls on the wire (CMS_TIMEOUT_MS) finish.
  const life = lifecycle({
    stepMs: 25_000,
    onStepError: (error) => logger?.error({ err: error }, 'a part did not stop cleanly'),
  });
  try {
    readDotEnv();
    let config = loadConfig();
    logger = createLogger({ level: config.logLevel, name: 'cms-worker', secrets: config.secrets });
    // One clear line if Redis is down, then quiet retries until it answers or a signal comes.
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
    await life.start(startCmsWorkers(config, logger), (workers) => workers.close());
    logger.info({ pid: process.pid }, 'CMS workers ready');
    return await life.wait(new Promise<never>(() => {}));
  } catch (error) {
    if (error instanceof Interrupted) {
      logger?.info({ signal: error.signalName }, 'stopping CMS workers');
      return 0;
    }
    // A configuration error lists every problem and no value; anything else is unexpected.
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else if (logger) logger.fatal({ err: error }, 'the CMS worker stopped');
    else process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    return 1;
  } finally {
    await life.close();
  }
}

process.exitCode = await main();
// Anything still open (a Redis retry timer) must not keep a stopped worker alive.
process.exit();
