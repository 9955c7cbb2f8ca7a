import { Redis } from 'ioredis';

/**
 * - `worker`: BullMQ workers block on Redis and must wait out a Redis restart rather than fail.
 * - `producer`: submitting fails fast while Redis is down, so a user hears about it at once.
 * - `subscriber`: receives results; reconnects by itself.
 */
export function createRedisConnection(
  url: string,
  role: 'worker' | 'producer' | 'subscriber',
): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'producer' ? 1 : null,
    enableReadyCheck: true,
    connectionName: `sonoran-bot:${role}`,
    // Reconnect quickly at first, then every two seconds.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
}
