import { luaScript } from './lua-script.js';

/**
 * Takes a queued job back for good unless a send of it was ever let through: the pacing gate
 * never grants a withdrawn job (ACQUIRE_SLOT checks the mark in the same atomic step), so a
 * caller told "cancelled" can rely on it, even while a worker is holding the job.
 *
 * KEYS  jobKey (BullMQ's hash of the job), lastGrantedKey (its queue's), markerKey (its sent marker)
 * ARGV  jobId
 * Returns 1 when withdrawn; 0 when a send was let through (a sent marker, a retry, or the gate's
 * record of the last job it granted), or the job is gone.
 */
export const WITHDRAW_JOB = luaScript({
  name: 'sonoranWithdrawJob',
  keys: ['jobKey', 'lastGrantedKey', 'markerKey'],
  args: ['jobId'],
  body: `
local data = redis.call('HGET', jobKey, 'data')
if not data then return 0 end
if cjson.decode(data).attempt ~= 1 then return 0 end
if redis.call('EXISTS', markerKey) == 1 then return 0 end
if redis.call('GET', lastGrantedKey) == jobId then return 0 end
if redis.call('HEXISTS', jobKey, 'finishedOn') == 1 then return 0 end
redis.call('HSET', jobKey, 'withdrawn', '1')
return 1
`,
});
