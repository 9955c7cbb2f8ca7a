import { luaScript } from './lua-script.js';
import { REDIS_NOW } from './redis-now.js';

/**
 * Takes a send slot in a budget's sliding log, or says why not.
 *
 * KEYS
 *   sendLog         the budget's log of sends (sorted set: member = one send, score = Redis ms)
 *   backgroundLog   the background sends of the same log
 *   pauseKey        set, with a TTL, while the CMS asked the whole credential to stay away
 *   markerKey       this job's sent marker (non-idempotent jobs only; else any key)
 *   scheduleKey     the earliest Redis time the budget's next background send may leave
 *   lastGrantedKey  the queue's last job let through (read by the ETA and by WITHDRAW_JOB)
 *   limiterKey      BullMQ's rate-limit key of the queue: set here so the queue sleeps
 *   wakeKey         set while the queue sleeps for background reasons only (an interactive
 *                   submit may then wake it, see WAKE_QUEUE)
 *   prioritizedSet  BullMQ's prioritized jobs of the queue (interactive ones score below
 *                   interactiveScoreEnd)
 *   epochKey        names this Redis's life: it vanishes with everything else when Redis loses
 *                   its state (a restart without persistence, a flush)
 *   jobKey          BullMQ's hash of the job (its `withdrawn` field, see WITHDRAW_JOB); any key
 *                   for calls outside a queue
 * ARGV
 *   limit, backgroundLimit   sends allowed in the window; of those, what background may use
 *   windowMs                 the window, safety margin included
 *   sendId                   a member unique to this send
 *   background               '1' for a background send
 *   marker                   the sent marker to leave (JSON; its `at` is filled in here), or ''
 *   markerTtlMs              how long a marker lives
 *   inFlightMs               the longest a request may be under way (its timeout)
 *   spacingMs                the spacing of background sends
 *   jobId                    recorded in lastGrantedKey ('' for calls outside a queue)
 *   deadline                 Redis time (ms) after which the job must not be sent, or ''
 *   interactiveScoreEnd      see prioritizedSet
 *   knownEpoch               the epoch this process saw last ('' if none yet)
 *
 * Returns { status, waitMs, nowMs, previousMarker, epoch, stateLost }:
 *    1 granted (nowMs is the send time)
 *    0 wait waitMs (the queue is already put to sleep that long)
 *   -1 an earlier send of this job may have reached the CMS: previousMarker holds its marker
 *   -2 the job's deadline has passed; nothing was taken
 *   -3 the job was withdrawn by its submitter (cancelled); nothing was taken
 *
 * A granted send is logged at now + inFlightMs: until its answer is back (LOG_ANSWER) nobody
 * knows when it reached the CMS, so it holds its slot as if it arrived as late as it could.
 * Background sends are spread evenly (one per spacing) rather than in bursts; the schedule moves
 * on one spacing per send, so a late send does not push the next ones back (it may lag by up to
 * two spacings). The send logs stay the hard limit.
 */
/**
 * The epoch of this Redis, made if there is none yet: a worker process learns it as it starts,
 * so it can tell a loss of state even if it had not sent anything before.
 * KEYS epochKey; ARGV id (unique to the caller). Returns the epoch.
 */
export const LEARN_EPOCH = luaScript({
  name: 'sonoranLearnEpoch',
  keys: ['epochKey'],
  args: ['id'],
  body: `${REDIS_NOW}
local epoch = redis.call('GET', epochKey)
if not epoch then
  epoch = tostring(now) .. ':' .. id
  redis.call('SET', epochKey, epoch)
end
return epoch
`,
});

export const ACQUIRE_SLOT = luaScript({
  name: 'sonoranAcquireSlot',
  keys: [
    'sendLog',
    'backgroundLog',
    'pauseKey',
    'markerKey',
    'scheduleKey',
    'lastGrantedKey',
    'limiterKey',
    'wakeKey',
    'prioritizedSet',
    'epochKey',
    'jobKey',
  ],
  args: [
    'limit',
    'backgroundLimit',
    'windowMs',
    'sendId',
    'background',
    'marker',
    'markerTtlMs',
    'inFlightMs',
    'spacingMs',
    'jobId',
    'deadline',
    'interactiveScoreEnd',
    'knownEpoch',
  ],
  body: `${REDIS_NOW}
local window = tonumber(windowMs)
local isBackground = background == '1'

-- A Redis that lost its state lost the send logs with it: sends of the last window are no
-- longer counted. A process that knew the old epoch sees it gone, or replaced by another process
-- that found it gone: every process pauses the credential for one window (margin included)
-- before sending again (a longer pause, after a 429, stays as it is).
local epoch = redis.call('GET', epochKey)
local stateLost = 0
if not epoch then
  epoch = tostring(now) .. ':' .. sendId
  redis.call('SET', epochKey, epoch)
end
if knownEpoch ~= '' and epoch ~= knownEpoch then
  stateLost = 1
  if redis.call('PTTL', pauseKey) < window then
    redis.call('SET', pauseKey, '1', 'PX', math.ceil(window))
  end
end

local function answer(status, waitMs, previous)
  return {status, math.ceil(waitMs), tostring(now), previous or false, epoch, stateLost}
end

-- Puts the queue to sleep and answers "wait". BullMQ counts jobs in this key and sleeps the
-- queue while the count is at its limiter's max; the highest count (as queue.rateLimit sets) is
-- at every max.
local function sleep(waitMs, wakeable)
  local ms = math.max(1, math.ceil(waitMs))
  redis.call('SET', limiterKey, '9007199254740991', 'PX', ms)
  if wakeable then redis.call('SET', wakeKey, '1', 'PX', ms) else redis.call('DEL', wakeKey) end
  return answer(0, ms)
end

-- How long until the log holds fewer than cap sends: the (used - cap + 1)-th oldest must leave.
local function waitBelow(log, cap)
  redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
  local used = redis.call('ZCARD', log)
  if used < cap then return 0 end
  local entry = redis.call('ZRANGE', log, used - cap, used - cap, 'WITHSCORES')
  return tonumber(entry[2]) + window - now + 1
end

local function backgroundWait()
  local wait = waitBelow(backgroundLog, tonumber(backgroundLimit))
  local scheduled = redis.call('GET', scheduleKey)
  if scheduled then wait = math.max(wait, tonumber(scheduled) - now) end
  return wait
end

local function take()
  local inFlightUntil = now + tonumber(inFlightMs)
  local ttl = math.ceil(window + tonumber(inFlightMs))
  redis.call('ZADD', sendLog, inFlightUntil, sendId)
  redis.call('PEXPIRE', sendLog, ttl)
  if isBackground then
    redis.call('ZADD', backgroundLog, inFlightUntil, sendId)
    redis.call('PEXPIRE', backgroundLog, ttl)
    local spacing = tonumber(spacingMs)
    local scheduled = tonumber(redis.call('GET', scheduleKey) or now)
    redis.call('SET', scheduleKey, tostring(math.max(scheduled, now - 2 * spacing) + spacing), 'PX', ttl)
  end
  if marker ~= '' then
    local record = cjson.decode(marker)
    record.at = math.floor(now)
    redis.call('SET', markerKey, cjson.encode(record), 'PX', markerTtlMs)
  end
  -- Kept as long as a marker: cancel() reads it to tell a job that was let through.
  if jobId ~= '' then redis.call('SET', lastGrantedKey, jobId, 'PX', markerTtlMs) end
end

-- An earlier send that may have landed is settled first, even past the deadline.
if marker ~= '' then
  local previous = redis.call('GET', markerKey)
  if previous then return answer(-1, 0, previous) end
end
if jobId ~= '' and redis.call('HEXISTS', jobKey, 'withdrawn') == 1 then return answer(-3, 0) end
if deadline ~= '' and now > tonumber(deadline) then return answer(-2, 0) end

local paused = redis.call('PTTL', pauseKey)
if paused > 0 then return sleep(paused, false) end
local wait = waitBelow(sendLog, tonumber(limit))
if wait > 0 then return sleep(wait, false) end
if isBackground then
  wait = backgroundWait()
  if wait > 0 then
    -- An interactive call queued while this job was in hand goes next, at once: it is first by
    -- priority as soon as this job is back in the queue.
    if redis.call('ZCOUNT', prioritizedSet, '-inf', '(' .. interactiveScoreEnd) > 0 then return sleep(1, false) end
    return sleep(wait, true)
  end
end
take()
return answer(1, 0)
`,
});
