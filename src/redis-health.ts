import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import { displayUrl } from './logger.js';
import { NETWORK_ERROR_CODES } from './network-errors.js';
import { connectRedis } from './queue/redis.js';
import { abortable } from './shutdown.js';

/**
 * One clear line per Redis outage instead of one per reconnect attempt: what is wrong and what
 * to check, then quiet retries (debug level), then one line when Redis is back.
 */

type RedisError = Error & { code?: string };

/** "Redis at redis://127.0.0.1:6390 is unreachable (ECONNREFUSED); is redis-server running? check REDIS_URL" */
export function describeRedisProblem(url: string, failure: RedisError): string {
  const where = `Redis at ${displayUrl(url)}`;
  // A Cluster that reaches no node says so in general terms; the last node's error says why.
  const error = (failure as { lastNodeError?: RedisError }).lastNodeError ?? failure;
  const code = error.code ?? /^[A-Z]+/.exec(error.message)?.[0] ?? error.name;
  switch (code) {
    case 'ECONNREFUSED':
      return `${where} is unreachable (ECONNREFUSED); is redis-server running? check REDIS_URL`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${where} is unreachable (${code}: no such host); check the host in REDIS_URL`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} is unreachable (${code}); is it running and reachable from here? check REDIS_URL`;
    case 'ECONNRESET':
      return `${where} closed the connection (ECONNRESET); is it a Redis (TLS needs rediss://)? check REDIS_URL`;
    case 'WRONGPASS':
    case 'NOAUTH':
      return `${where} refused the credentials (${code}); check the user and password in REDIS_URL`;
    default:
      return `${where} failed (${code}); check REDIS_URL`;
  }
}

export interface RedisHealth {
  /** Reports this connection's errors as part of the process's one line per outage. */
  watch(connection: Redis, role?: string): void;
}

const healthByLogger = new WeakMap<Logger, Map<string, RedisHealth>>();

/**
 * The health of one Redis as seen by this process. Every caller with the same logger and URL
 * shares one, so all of a process's connections together log once per outage.
 */
export function redisHealth(logger: Logger, url: string): RedisHealth {
  const byUrl = healthByLogger.get(logger) ?? new Map<string, RedisHealth>();
  healthByLogger.set(logger, byUrl);
  const known = byUrl.get(url);
  if (known) return known;

  const down = new Set<Redis>();
  let reported = '';
  const health: RedisHealth = {
    watch(connection, role) {
      connection.on('error', (error: RedisError) => {
        down.add(connection);
        const problem = describeRedisProblem(url, error);
        // A new outage, or a different cause within one (refused, then a wrong password).
        if (problem === reported) return;
        reported = problem;
        logger.error({ role, code: error.code }, problem);
      });
      connection.on('reconnecting', (delayMs: number) =>
        logger.debug({ role, delayMs }, 'retrying Redis'),
      );
      connection.on('ready', () => {
        if (!down.delete(connection) || down.size > 0 || !reported) return;
        reported = '';
        logger.info(`Redis at ${displayUrl(url)} is reachable again`);
      });
      connection.on('end', () => down.delete(connection));
    },
  };
  byUrl.set(url, health);
  return health;
}

/** Errors that only say Redis cannot be reached now: the outage line covers them. */
export function isRedisConnectionError(error: unknown): boolean {
  const { code, message } = error as RedisError;
  return (
    NETWORK_ERROR_CODES.has(code ?? '') ||
    /Connection is closed|connect ECONNREFUSED|Stream isn't writeable|Failed to refresh slots cache|None of startup nodes|CLUSTERDOWN/.test(
      String(message),
    )
  );
}

/** Reconnect soon, then back off to one attempt every five seconds. */
export const backoff = (attempt: number) => Math.min(100 * 2 ** attempt, 5_000);

/**
 * Resolves once Redis answers; until then retries quietly. Rejects with the signal's reason
 * when it is aborted (a SIGINT while waiting), leaving no connection behind.
 */
export async function waitForRedis(
  url: string,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  signal.throwIfAborted();
  // Commands wait (maxRetriesPerRequest: null) while the connection retries in the background.
  const connection = connectRedis(url, {
    maxRetriesPerRequest: null,
    retry: backoff,
    connectionName: 'sonoran-bot:probe',
  });
  redisHealth(logger, url).watch(connection, 'probe');
  try {
    await abortable(connection.ping(), signal);
  } finally {
    connection.disconnect();
  }
}
