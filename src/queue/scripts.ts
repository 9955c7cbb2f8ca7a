/**
 * Lua scripts run atomically inside Redis. They read the clock with TIME, so every process
 * and host sharing the Redis decides against one clock and one log.
 */

/**
 * Takes a send slot for one operation, or says how long to wait for one.
 *
 * KEYS[1] the operation's send log (sorted set: member = one send, score = Redis time in ms)
 * KEYS[2] the operation's background send log (the background sends, also in KEYS[1])
 * KEYS[3] the credential's pause key (set after a 429, with a TTL)
 * KEYS[4] the sent marker of this job (only used when ARGV[6] = 1), else any key
 * KEYS[5] the interactive queue's wait list (only read for background sends), else any key
 * KEYS[6] the earliest time the operation's next background send may leave
 * KEYS[7] the queue's last granted job id (read by SNAPSHOT), else any key
 * KEYS[8] the interactive queue's active list; KEYS[9] its last granted job id (background only)
 * ARGV[1] the operation's limit per window
 * ARGV[2] how many sends background work may have in the window (limit less the reserve)
 * ARGV[3] window length in ms, safety margin included
 * ARGV[4] a member unique to this send (job and attempt)
 * ARGV[5] 1 for a background send, 0 for an interactive one
 * ARGV[6] 1 when the job is not idempotent: refuse if a sent marker exists, else set one
 * ARGV[7] the marker's value; ARGV[8] its TTL in ms
 * ARGV[9] the longest a request can be in flight (the client timeout), in ms
 * ARGV[10] the spacing of background sends, in ms
 * ARGV[11] the job id, recorded in KEYS[7] when granted ('' for calls outside a queue)
 *
 * Background sends are spread evenly (one per window / background share) instead of leaving in
 * bursts, which keeps the CMS load steady; interactive sends may burst up to the limit. The
 * schedule moves on by one spacing per send, so a send that left a little late does not push
 * the next ones back (it may lag by up to two spacings); the send logs above stay the hard limit.
 * A granted send is logged at now + ARGV[9]: until its answer comes back (SETTLE_SLOT) nobody
 * knows when it reached the CMS, so it holds its slot as if it arrived as late as it could.
 *
 * Returns { status, waitMs, nowMs, marker }:
 *   status 1 = granted (nowMs is the send time), 0 = wait waitMs, -1 = a previous send of
 *   this job may have reached the CMS (marker holds what it recorded); nothing was taken.
 */
export const ACQUIRE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local limit = tonumber(ARGV[1])
local backgroundLimit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local background = ARGV[5] == '1'

if ARGV[6] == '1' then
  local previous = redis.call('GET', KEYS[4])
  if previous then return {-1, 0, tostring(now), previous} end
end

local paused = redis.call('PTTL', KEYS[3])
if paused > 0 then return {0, paused, tostring(now), false} end

-- How long until the log holds fewer than cap sends: the (used - cap + 1)-th oldest must leave.
local function waitBelow(log, cap)
  redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
  local used = redis.call('ZCARD', log)
  if used < cap then return 0 end
  local entry = redis.call('ZRANGE', log, used - cap, used - cap, 'WITHSCORES')
  return math.ceil(tonumber(entry[2]) + window - now) + 1
end

local wait = waitBelow(KEYS[1], limit)
if background then
  wait = math.max(wait, waitBelow(KEYS[2], backgroundLimit))
  local scheduled = redis.call('GET', KEYS[6])
  if scheduled then wait = math.max(wait, math.ceil(tonumber(scheduled) - now)) end
end
if wait > 0 then return {0, wait, tostring(now), false} end

if background then
  -- Interactive work waiting for this operation takes the next slots: come back once there
  -- is one more free slot than there are interactive jobs waiting.
  local waiting = redis.call('LLEN', KEYS[5])
  -- An interactive job a worker holds but the gate has not let through yet is waiting too.
  local held = redis.call('LINDEX', KEYS[8], 0)
  if held and held ~= redis.call('GET', KEYS[9]) then waiting = waiting + 1 end
  if waiting > 0 then
    local yield = 10
    if waiting < limit then
      yield = math.max(yield, waitBelow(KEYS[1], limit - waiting))
    else
      local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
      if newest[2] then yield = math.max(yield, math.ceil(tonumber(newest[2]) + window - now) + 1) end
    end
    return {0, yield, tostring(now), false}
  end
end

local inFlightUntil = now + tonumber(ARGV[9])
local ttl = math.ceil(window + tonumber(ARGV[9]))
redis.call('ZADD', KEYS[1], inFlightUntil, ARGV[4])
redis.call('PEXPIRE', KEYS[1], ttl)
if background then
  redis.call('ZADD', KEYS[2], inFlightUntil, ARGV[4])
  redis.call('PEXPIRE', KEYS[2], ttl)
  local spacing = tonumber(ARGV[10])
  local scheduled = tonumber(redis.call('GET', KEYS[6]) or now)
  redis.call('SET', KEYS[6], tostring(math.max(scheduled, now - 2 * spacing) + spacing), 'PX', math.ceil(window))
end
if ARGV[6] == '1' then redis.call('SET', KEYS[4], ARGV[7], 'PX', ARGV[8]) end
if ARGV[11] ~= '' then redis.call('SET', KEYS[7], ARGV[11], 'PX', ttl) end
return {1, 0, tostring(now), false}
`;

/**
 * Logs a send at the moment its answer came back. The CMS saw the request before that, so the
 * window counted from here never starts before the CMS's own, however late the request went out.
 *
 * KEYS[1] the operation's send log; KEYS[2] its background send log
 * ARGV[1] the send's member
 * ARGV[2] window length in ms, margin included
 * Returns the time logged (ms), or false if the send was not in the log.
 */
export const SETTLE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return false end
local window = tonumber(ARGV[2])
for i = 1, 2 do
  if redis.call('ZSCORE', KEYS[i], ARGV[1]) then
    redis.call('ZADD', KEYS[i], 'XX', now, ARGV[1])
    -- The log must outlive this entry's window.
    if redis.call('PTTL', KEYS[i]) < window then redis.call('PEXPIRE', KEYS[i], math.ceil(window)) end
  end
end
return tostring(now)
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
 * KEYS[1] the operation's send log; KEYS[2] its background send log; KEYS[3] the pause key
 * KEYS[4] this queue's wait list; KEYS[5] this queue's active list
 * KEYS[6] the interactive queue's wait list
 * KEYS[7] the earliest time the operation's next background send may leave
 * KEYS[8] this queue's last granted job id
 * ARGV[1] window length in ms, margin included
 * ARGV[2] the job id whose place in line is wanted
 * Returns { nowMs, pausedMs, jobsAhead, interactiveWaiting, nextBackgroundSend, sendCount, sendTimes..., backgroundSendTimes... }.
 * Jobs ahead are those nearer the head of the wait list (workers pop from the right), plus the
 * active job unless the gate already let it through (an active job the gate has not let
 * through is about to go back to the head). A job no longer waiting is being sent already.
 */
export const SNAPSHOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local from = '(' .. (now - tonumber(ARGV[1]))
local sends = redis.call('ZRANGEBYSCORE', KEYS[1], from, '+inf', 'WITHSCORES')
local background = redis.call('ZRANGEBYSCORE', KEYS[2], from, '+inf', 'WITHSCORES')
local index = redis.call('LPOS', KEYS[4], ARGV[2])
local ahead = 0
if index then
  ahead = redis.call('LLEN', KEYS[4]) - 1 - index
  local active = redis.call('LINDEX', KEYS[5], 0)
  if active and active ~= redis.call('GET', KEYS[8]) then ahead = ahead + 1 end
end
local result = {tostring(now), redis.call('PTTL', KEYS[3]), ahead, redis.call('LLEN', KEYS[6]), redis.call('GET', KEYS[7]) or '', #sends / 2}
for i = 2, #sends, 2 do table.insert(result, sends[i]) end
for i = 2, #background, 2 do table.insert(result, background[i]) end
return result
`;
