import { Cluster, Redis, type RedisOptions } from 'ioredis';

/**
 * `redis+cluster://[user:password@]host:port` (or `rediss+cluster://` for TLS): REDIS_URL names
 * one node of a Redis Cluster, and the others are found from it.
 */
export function isClusterUrl(url: string): boolean {
  return /^rediss?\+cluster:\/\//i.test(url);
}

/**
 * A connection to the Redis at `url`: a single Redis, or a Redis Cluster for a `+cluster` URL.
 * `retry` gives the wait before each reconnection attempt.
 *
 * A Cluster is handed out typed as a Redis: every key of one credential carries the hash tag
 * `{sonoran:<fingerprint>}` (see QueueKeys), so each command, script, pipeline and transaction
 * touches one slot, and a Cluster answers them, and pub/sub, as a single Redis does. BullMQ
 * recognises a Cluster by itself. Commands that see only one node (SCAN, KEYS) are not used.
 */
export function connectRedis(
  url: string,
  options: RedisOptions & { retry: (attempt: number) => number },
): Redis {
  const { retry, ...nodeOptions } = options;
  if (!isClusterUrl(url)) return new Redis(url, { ...nodeOptions, retryStrategy: retry });
  const seed = new URL(url.replace(/\+cluster:/i, ':'));
  const tls = seed.protocol === 'rediss:';
  const cluster = new Cluster(
    [{ host: seed.hostname.replace(/^\[|\]$/g, ''), port: Number(seed.port || 6379) }],
    {
      redisOptions: {
        ...nodeOptions,
        username: decodeURIComponent(seed.username) || undefined,
        password: decodeURIComponent(seed.password) || undefined,
        ...(tls ? { tls: {} } : {}),
      },
      clusterRetryStrategy: retry,
      // TLS certificates name the hosts: connect by name rather than by the address looked up.
      ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    },
  );
  return cluster as unknown as Redis;
}

/**
 * - `worker`: BullMQ workers block on Redis and must wait out a Redis restart rather than fail.
 * - `producer`: submitting fails fast while Redis is down, so a user hears about it at once.
 * - `subscriber`: receives results; reconnects by itself.
 */
export function createRedisConnection(
  url: string,
  role: 'worker' | 'producer' | 'subscriber',
): Redis {
  return connectRedis(url, {
    maxRetriesPerRequest: role === 'producer' ? 1 : null,
    enableReadyCheck: true,
    connectionName: `sonoran-bot:${role}`,
    // Reconnect quickly at first, then every two seconds.
    retry: (times) => Math.min(times * 100, 2_000),
  });
}
