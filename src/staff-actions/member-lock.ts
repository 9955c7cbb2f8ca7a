import type { Redis } from 'ioredis';
import { defineLuaScript, luaScript, runLuaScript } from '../queue/scripts/lua-script.js';

/**
 * Deletes a lock only while it still holds the caller's token: a lock that expired and was
 * taken by someone else is theirs now.
 *
 * KEYS  lockKey
 * ARGV  token
 * Returns 1 when released, 0 when the lock was not (or no longer) the caller's.
 */
const RELEASE_MEMBER_LOCK = luaScript({
  name: 'sonoranReleaseMemberLock',
  keys: ['lockKey'],
  args: ['token'],
  body: `
if redis.call('GET', lockKey) == token then return redis.call('DEL', lockKey) end
return 0
`,
});

/**
 * Gives a held lock a new time to live, only while it still holds the caller's token.
 *
 * KEYS  lockKey
 * ARGV  token, ttlMs
 * Returns 1 when extended, 0 when the lock was not (or no longer) the caller's.
 */
const EXTEND_MEMBER_LOCK = luaScript({
  name: 'sonoranExtendMemberLock',
  keys: ['lockKey'],
  args: ['token', 'ttlMs'],
  body: `
if redis.call('GET', lockKey) == token then return redis.call('PEXPIRE', lockKey, ttlMs) end
return 0
`,
});

/**
 * One staff action at a time per (guild, member), across every bot process: `SET NX PX` with
 * a token, released by compare-and-delete. The time to live frees a lock whose holder died.
 */
export class MemberLocks {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {
    defineLuaScript(redis, RELEASE_MEMBER_LOCK);
    defineLuaScript(redis, EXTEND_MEMBER_LOCK);
  }

  /** True when the caller now holds the lock; false when someone else does. */
  async acquire(guildId: string, userId: string, token: string, ttlMs: number): Promise<boolean> {
    const set = await this.redis.set(this.key(guildId, userId), token, 'PX', ttlMs, 'NX');
    return set === 'OK';
  }

  async extend(guildId: string, userId: string, token: string, ttlMs: number): Promise<boolean> {
    const extended = await runLuaScript<'lockKey', 'token' | 'ttlMs', number>(
      this.redis,
      EXTEND_MEMBER_LOCK,
      { lockKey: this.key(guildId, userId) },
      { token, ttlMs },
    );
    return extended === 1;
  }

  async release(guildId: string, userId: string, token: string): Promise<boolean> {
    const released = await runLuaScript<'lockKey', 'token', number>(
      this.redis,
      RELEASE_MEMBER_LOCK,
      { lockKey: this.key(guildId, userId) },
      { token },
    );
    return released === 1;
  }

  key(guildId: string, userId: string): string {
    return `${this.namespace}:lock:member:${guildId}:${userId}`;
  }
}
