import { luaScript } from './lua-script.js';
import { REDIS_NOW } from './redis-now.js';

/**
 * Worker processes announce, every few seconds, which operations they serve: one sorted set
 * per operation, member = worker id, score = the Redis time the announcement lapses.
 *
 * KEYS  servedSet (one operation's)
 * ARGV  workerId, ttlMs ('0' withdraws the announcement: the worker is closing)
 */
export const ANNOUNCE_SERVED = luaScript({
  name: 'sonoranAnnounceServed',
  keys: ['servedSet'],
  args: ['workerId', 'ttlMs'],
  body: `${REDIS_NOW}
local ttl = tonumber(ttlMs)
if ttl == 0 then return redis.call('ZREM', servedSet, workerId) end
redis.call('ZADD', servedSet, now + ttl, workerId)
redis.call('ZREMRANGEBYSCORE', servedSet, '-inf', now)
redis.call('PEXPIRE', servedSet, ttl)
return 1
`,
});

/**
 * How long (ms from now) at least one worker is known to serve an operation; 0 when none is.
 *
 * KEYS  servedSet
 */
export const SERVED_FOR = luaScript({
  name: 'sonoranServedFor',
  keys: ['servedSet'],
  args: [],
  body: `${REDIS_NOW}
local latest = redis.call('ZRANGE', servedSet, -1, -1, 'WITHSCORES')
if not latest[2] then return 0 end
return math.max(0, math.floor(tonumber(latest[2]) - now))
`,
});
