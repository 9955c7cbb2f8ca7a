import { luaScript } from './lua-script.js';
import { REDIS_NOW } from './redis-now.js';

/**
 * Logs a send at the moment its answer came back. The CMS saw the request before that, so the
 * window counted from here never starts before the CMS's own, however late the request left.
 *
 * KEYS  sendLog, backgroundLog
 * ARGV  sendId, windowMs, background ('1' for a background send)
 * Returns { nowMs, missing }: missing is 1 when the send had left the log already (its slot
 * ended before its answer came: a stalled process). It is logged again now all the same, so
 * the budget still counts it, and the caller reports the anomaly.
 */
export const LOG_ANSWER = luaScript({
  name: 'sonoranLogAnswer',
  keys: ['sendLog', 'backgroundLog'],
  args: ['sendId', 'windowMs', 'background'],
  body: `${REDIS_NOW}
local window = math.ceil(tonumber(windowMs))
local missing = redis.call('ZSCORE', sendLog, sendId) == false
local logs = {sendLog}
if background == '1' then table.insert(logs, backgroundLog) end
for _, log in ipairs(logs) do
  redis.call('ZADD', log, now, sendId)
  -- The log must outlive this entry's window.
  if redis.call('PTTL', log) < window then redis.call('PEXPIRE', log, window) end
end
return {tostring(now), missing and 1 or 0}
`,
});

/**
 * Gives back a slot that was never used: the send was skipped (too little of its slot was left
 * to start it safely). Its sent marker goes too: nothing reached the CMS.
 *
 * KEYS  sendLog, backgroundLog, markerKey (or any key when the job has none)
 * ARGV  sendId, hasMarker ('1' to delete markerKey)
 */
export const RELEASE_SLOT = luaScript({
  name: 'sonoranReleaseSlot',
  keys: ['sendLog', 'backgroundLog', 'markerKey'],
  args: ['sendId', 'hasMarker'],
  body: `
redis.call('ZREM', sendLog, sendId)
redis.call('ZREM', backgroundLog, sendId)
if hasMarker == '1' then redis.call('DEL', markerKey) end
return 1
`,
});
