/**
 * Lua scripts run atomically inside Redis. They read the clock with TIME, so every process
 * and host sharing the Redis decides against one clock and one log.
 */

/**
 * Takes a send slot for one operation, or says how long to wait for one.
 *
 * KEYS[1] the operation's send log (sorted set: member = one send, score = Redis time in ms)
 * KEYS[2] the credential's pause key (set after a 429, with a TTL)
 * KEYS[3] the sent marker of this job (only checked when ARGV[5] = 1), else any key
 * KEYS[4] the interactive queue's wait list (only read when ARGV[4] = 1), else any key
 * ARGV[1] the limit this caller may fill the window up to (the full limit, or less the reserve)
 * ARGV[2] window length in ms, safety margin included
 * ARGV[3] a member unique to this send (job and attempt)
 * ARGV[4] 1 when the caller must let waiting interactive jobs go first
 * ARGV[5] 1 when the job is not idempotent: refuse if a sent marker exists, else set one
 * ARGV[6] the marker's value; ARGV[7] its TTL in ms
 *
 * Returns { status, waitMs, nowMs, marker }:
 *   status 1 = granted (nowMs is the send time), 0 = wait waitMs, -1 = a previous send of
 *   this job may have reached the CMS (marker holds what it recorded); nothing was taken.
 */
export const ACQUIRE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])

if ARGV[5] == '1' then
  local previous = redis.call('GET', KEYS[3])
  if previous then return {-1, 0, tostring(now), previous} end
end

local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {0, paused, tostring(now), false} end

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])

if used >= limit then
  -- The slot frees when the (used - limit + 1)-th oldest send leaves the window.
  local entry = redis.call('ZRANGE', KEYS[1], used - limit, used - limit, 'WITHSCORES')
  return {0, math.ceil(tonumber(entry[2]) + window - now) + 1, tostring(now), false}
end

if ARGV[4] == '1' and redis.call('LLEN', KEYS[4]) > 0 then
  -- Interactive work is waiting for this operation: it takes the next slot.
  return {0, 10, tostring(now), false}
end

redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window))
if ARGV[5] == '1' then redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[7]) end
return {1, 0, tostring(now), false}
`;

/**
 * Pauses the credential for every process, keeping the longer pause if one is already set.
 *
 * KEYS[1] the pause key
 * ARGV[1] pause length in ms
 * Returns the pause now in force, in ms.
 */
export const PAUSE_CREDENTIAL = `
local current = redis.call('PTTL', KEYS[1])
local wanted = tonumber(ARGV[1])
if current < wanted then
  redis.call('SET', KEYS[1], '1', 'PX', wanted)
  return wanted
end
return current
`;

/**
 * What an ETA needs, read at one instant.
 *
 * KEYS[1] the operation's send log; KEYS[2] the pause key
 * KEYS[3] this queue's wait list; KEYS[4] this queue's active list
 * KEYS[5] the interactive queue's wait list (read for background jobs)
 * ARGV[1] window length in ms, margin included
 * ARGV[2] the job id whose place in line is wanted
 * Returns { nowMs, pausedMs, jobsAhead, interactiveWaiting, sendTimes... }; jobs ahead are those
 * nearer the head of the wait list (workers pop from the right) plus the active one. A job no
 * longer waiting is being sent already: nothing is ahead of it.
 */
export const SNAPSHOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local index = redis.call('LPOS', KEYS[3], ARGV[2])
local ahead = 0
if index then ahead = redis.call('LLEN', KEYS[4]) + redis.call('LLEN', KEYS[3]) - 1 - index end
local sends = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - tonumber(ARGV[1])), '+inf', 'WITHSCORES')
local result = {tostring(now), redis.call('PTTL', KEYS[2]), ahead, redis.call('LLEN', KEYS[5])}
for i = 2, #sends, 2 do table.insert(result, sends[i]) end
return result
`;
