import { ConfigError, readDotEnv, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { waitForRedis } from './redis-health.js';
import { startBuiltInCms } from './sandbox/built-in-cms.js';
import { Interrupted, lifecycle } from './shutdown.js';

export interface EntryPoint<C extends Config, T> {
  /** Names the process in logs: `bot`, `cms-worker`. */
  name: string;
  /** What it runs, for its log lines: "bot ready", "stopping CMS workers". */
  runs: string;
  /** Reads the settings this entry point needs (throws a ConfigError listing every problem). */
  loadConfig(): C;
  /** Starts the process's work; `stop` is called on the way out. */
  start(config: C, logger: Logger): Promise<T>;
  stop(started: T): Promise<unknown>;
  /** How long each part may take to stop: calls on the wire need their timeout. */
  stopStepMs: number;
}

/**
 * The life of a long-running entry point (`npm start`, `npm run worker`): signal handlers first,
 * then settings, the logger, Redis (one clear line while it is down), the built-in CMS emulator
 * when SANDBOX=true has no CMS_API_URL, and the work itself, until SIGINT or SIGTERM stops
 * everything it started, newest first. Answers the exit code.
 */
export async function runEntryPoint<C extends Config, T>(entry: EntryPoint<C, T>): Promise<number> {
  let logger: Logger | undefined;
  const life = lifecycle({
    stepMs: entry.stopStepMs,
    onStepError: (error) => logger?.error({ err: error }, 'a part did not stop cleanly'),
  });
  try {
    readDotEnv();
    let config = entry.loadConfig();
    logger = createLogger({ level: config.logLevel, name: entry.name, secrets: config.secrets });
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
    await life.start(entry.start(config, logger), (started) => entry.stop(started));
    logger.info({ pid: process.pid }, `${entry.runs} ready`);
    return await life.wait(new Promise<never>(() => {}));
  } catch (error) {
    if (error instanceof Interrupted) {
      logger?.info({ signal: error.signalName }, `stopping ${entry.runs}`);
      return 0;
    }
    // A configuration error lists every problem and no value; anything else is unexpected.
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else if (logger) logger.fatal({ err: error }, `${entry.runs} stopped`);
    else process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    return 1;
  } finally {
    await life.close();
  }
}
