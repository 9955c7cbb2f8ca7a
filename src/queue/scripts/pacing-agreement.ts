import { luaScript } from './lua-script.js';
import { REDIS_NOW } from './redis-now.js';

/**
 * Every worker process announces the pacing settings it enforces; a process whose settings
 * differ from any live announcement is refused, so two processes never pace one shared log by
 * different numbers (a rolling deploy with a new window, margin or limits).
 *
 * KEYS  settingsSet (member = `<settings>|<worker id>`, score = when the announcement lapses)
 * ARGV  settings, workerId, ttlMs ('0' withdraws the worker's announcement)
 * Returns '' when announced (or withdrawn), else the differing settings of a live process.
 */
export const AGREE_ON_PACING = luaScript({
  name: 'sonoranAgreeOnPacing',
  keys: ['settingsSet'],
  args: ['settings', 'workerId', 'ttlMs'],
  body: `${REDIS_NOW}
local mine = settings .. '|' .. workerId
if ttlMs == '0' then
  redis.call('ZREM', settingsSet, mine)
  return ''
end
redis.call('ZREMRANGEBYSCORE', settingsSet, '-inf', now)
for _, member in ipairs(redis.call('ZRANGE', settingsSet, 0, -1)) do
  local theirs = string.match(member, '^(.*)|[^|]*$')
  if theirs ~= settings then return theirs end
end
redis.call('ZADD', settingsSet, now + tonumber(ttlMs), mine)
redis.call('PEXPIRE', settingsSet, tonumber(ttlMs))
return ''
`,
});
