import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { defineLuaScript, luaScript, runLuaScript } from '../queue/scripts/lua-script.js';

/**
 * Deletes the lock only while it still holds the caller's token: a lock that expired and was
 * taken by another process is theirs now.
 *
 * KEYS  lockKey
 * ARGV  token
 * Returns 1 when released, 0 when the lock was not (or no longer) the caller's.
 */
const RELEASE_RECONCILE_LOCK = luaScript({
  name: 'sonoranReleaseReconcileLock',
  keys: ['lockKey'],
  args: ['token'],
  body: `
if redis.call('GET', lockKey) == token then return redis.call('DEL', lockKey) end
return 0
`,
});

/**
 * Gives the held lock a new time to live, only while it still holds the caller's token.
 *
 * KEYS  lockKey
 * ARGV  token, ttlMs
 * Returns 1 when extended, 0 when the lock was not (or no longer) the caller's.
 */
const EXTEND_RECONCILE_LOCK = luaScript({
  name: 'sonoranExtendReconcileLock',
  keys: ['lockKey'],
  args: ['token', 'ttlMs'],
  body: `
if redis.call('GET', lockKey) == token then return redis.call('PEXPIRE', lockKey, ttlMs) end
return 0
`,
});

/** A lock this process holds until `release`; `lost` turns true if it expired under it. */
export interface HeldLock {
  readonly lost: boolean;
  release(): Promise<void>;
}

/** Long enough to outlive a Redis hiccup; short enough that a dead holder frees it soon. */
const LOCK_TTL_MS = 30_000;

/**
 * One reconciliation pass at a time across every bot process sharing the Redis: `SET NX PX`
 * with a token, refreshed while the pass runs, released by compare-and-delete. A holder that
 * dies stops refreshing, and the lock frees itself after its time to live.
 */
export class ReconcileLock {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly ttlMs = LOCK_TTL_MS,
  ) {
    defineLuaScript(redis, RELEASE_RECONCILE_LOCK);
    defineLuaScript(redis, EXTEND_RECONCILE_LOCK);
  }

  /** The lock, held and refreshed until released; null when another process holds it. */
  async acquire(): Promise<HeldLock | null> {
    const token = randomUUID();
    if ((await this.redis.set(this.key, token, 'PX', this.ttlMs, 'NX')) !== 'OK') return null;
    let lost = false;
    const refresher = setInterval(() => {
      runLuaScript<'lockKey', 'token' | 'ttlMs', number>(
        this.redis,
        EXTEND_RECONCILE_LOCK,
        { lockKey: this.key },
        { token, ttlMs: this.ttlMs },
      ).then(
        (extended) => {
          if (extended !== 1) {
            lost = true;
            clearInterval(refresher);
          }
        },
        // Redis is away for now: the next refresh tries again, well inside the time to live.
        () => {},
      );
    }, this.ttlMs / 3);
    refresher.unref();
    return {
      get lost() {
        return lost;
      },
      release: async () => {
        clearInterval(refresher);
        await runLuaScript<'lockKey', 'token', number>(
          this.redis,
          RELEASE_RECONCILE_LOCK,
          { lockKey: this.key },
          { token },
        ).catch(() => {
          // Unreleased, it frees itself after its time to live.
        });
      },
    };
  }
}
