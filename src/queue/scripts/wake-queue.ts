import { luaScript } from './lua-script.js';

/**
 * An interactive call was just queued: if its queue sleeps only because background work must
 * wait its turn, end the sleep so the interactive call (first by priority) goes now. A queue
 * asleep for a full budget or a pause stays asleep: the interactive call could not go either.
 *
 * KEYS  wakeKey, limiterKey
 * Returns 1 when the queue was woken.
 */
export const WAKE_QUEUE = luaScript({
  name: 'sonoranWakeQueue',
  keys: ['wakeKey', 'limiterKey'],
  args: [],
  body: `
if redis.call('DEL', wakeKey) == 1 then
  redis.call('DEL', limiterKey)
  return 1
end
return 0
`,
});
