import { ConfigError, loadConfig, readDotEnv } from './config.js';
import { createLogger } from './logger.js';
import { startCmsWorkers } from './queue/index.js';

/**
 * A process that only sends queued CMS calls. Run more of them (here or on other hosts sharing
 * the Redis) for resilience; the pacing holds across all of them.
 */
async function main(): Promise<void> {
  readDotEnv();
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, name: 'cms-worker', secrets: config.secrets });
  const { close } = await startCmsWorkers(config, logger);
  logger.info({ pid: process.pid }, 'CMS workers ready');
  const stop = (signal: string) => {
    logger.info({ signal }, 'stopping CMS workers');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'CMS workers did not close cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  // A configuration error lists every problem and no secret; anything else is unexpected.
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
