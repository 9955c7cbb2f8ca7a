import { luaScript } from './lua-script.js';

/**
 * Pauses the credential for every process, keeping the longer pause if one is already set.
 *
 * KEYS  pauseKey
 * ARGV  pauseMs
 * Returns the pause now in force, in ms.
 */
export const PAUSE_CREDENTIAL = luaScript({
  name: 'sonoranPauseCredential',
  keys: ['pauseKey'],
  args: ['pauseMs'],
  body: `
local current = redis.call('PTTL', pauseKey)
local wanted = tonumber(pauseMs)
if current < wanted then
  redis.call('SET', pauseKey, '1', 'PX', wanted)
  return wanted
end
return current
`,
});
