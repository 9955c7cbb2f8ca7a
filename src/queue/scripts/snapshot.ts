import { luaScript } from './lua-script.js';
import { REDIS_NOW } from './redis-now.js';

/** BullMQ scores a prioritized job `priority * 2^32 + counter`; interactive jobs have priority 1. */
export const INTERACTIVE_SCORE_END = 2 * 2 ** 32;

/**
 * What an ETA needs, read at one instant.
 *
 * KEYS  sendLog, backgroundLog, pauseKey, scheduleKey,
 *       waitList, prioritizedSet, activeList, lastGrantedKey   (the job's BullMQ queue)
 * ARGV  windowMs, jobId, interactiveScoreEnd,
 *       jobKeyPrefix   BullMQ's key of a job is this prefix and its id (as BullMQ's own scripts build it)
 * Returns { nowMs, pausedMs, sameAhead, interactiveAhead, nextBackgroundSend, sendCount,
 *           sendTimes..., backgroundSendTimes... }
 *
 * Who goes before the job: jobs in the plain wait list (a stalled job put back goes first),
 * the active job unless the gate already let it through (it is about to go back to the head),
 * then the prioritized set in score order. `sameAhead` counts those of the job's own priority;
 * `interactiveAhead`, for a background job, the interactive ones. A job no longer waiting is
 * being sent already: nothing is ahead.
 */
export const SNAPSHOT = luaScript({
  name: 'sonoranPacingSnapshot',
  keys: [
    'sendLog',
    'backgroundLog',
    'pauseKey',
    'scheduleKey',
    'waitList',
    'prioritizedSet',
    'activeList',
    'lastGrantedKey',
  ],
  args: ['windowMs', 'jobId', 'interactiveScoreEnd', 'jobKeyPrefix'],
  body: `${REDIS_NOW}
local from = '(' .. (now - tonumber(windowMs))
local sends = redis.call('ZRANGEBYSCORE', sendLog, from, '+inf', 'WITHSCORES')
local background = redis.call('ZRANGEBYSCORE', backgroundLog, from, '+inf', 'WITHSCORES')

local sameAhead, interactiveAhead = 0, 0
local rank = redis.call('ZRANK', prioritizedSet, jobId)
if rank then
  local isInteractive = tonumber(redis.call('ZSCORE', prioritizedSet, jobId)) < tonumber(interactiveScoreEnd)
  local interactive = redis.call('ZCOUNT', prioritizedSet, '-inf', '(' .. interactiveScoreEnd)
  if isInteractive then sameAhead = rank else sameAhead = rank - interactive; interactiveAhead = interactive end
  -- Jobs outside the prioritized set that go first, counted by their own priority.
  local first = redis.call('LRANGE', waitList, 0, -1)
  local active = redis.call('LINDEX', activeList, 0)
  if active and active ~= redis.call('GET', lastGrantedKey) then table.insert(first, active) end
  for _, id in ipairs(first) do
    local priority = tonumber(redis.call('HGET', jobKeyPrefix .. id, 'priority') or '0')
    if priority <= 1 then
      if isInteractive then sameAhead = sameAhead + 1 else interactiveAhead = interactiveAhead + 1 end
    elseif not isInteractive then
      sameAhead = sameAhead + 1
    end
  end
end

local result = {tostring(now), redis.call('PTTL', pauseKey), sameAhead, interactiveAhead,
  redis.call('GET', scheduleKey) or '', #sends / 2}
for i = 2, #sends, 2 do table.insert(result, sends[i]) end
for i = 2, #background, 2 do table.insert(result, background[i]) end
return result
`,
});
