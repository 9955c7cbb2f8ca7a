import type { Redis } from 'ioredis';

/** How often the offset is measured again (clocks drift slowly; one round trip is cheap). */
const RESYNC_EVERY_MS = 60_000;

/**
 * Redis's clock as seen from this process: the pacing scripts decide by Redis time, so a
 * deadline a caller sets on its own clock is turned into Redis time before it is stored.
 * The offset is measured around one TIME round trip (error at most half the round trip).
 */
export class RedisClock {
  private offsetMs = 0;
  private syncedAt = 0;

  /**
   * `slotKey`: a key of the credential, so TIME is read on the node that runs its pacing scripts
   * (in a Redis Cluster, each node has its own clock).
   */
  constructor(
    private readonly redis: Redis,
    private readonly slotKey: string,
  ) {}

  async sync(): Promise<void> {
    const before = Date.now();
    const [seconds, micros] = (await this.redis.eval(
      "return redis.call('TIME')",
      1,
      this.slotKey,
    )) as [string, string];
    const after = Date.now();
    this.offsetMs = Number(seconds) * 1000 + Number(micros) / 1000 - (before + after) / 2;
    this.syncedAt = after;
  }

  /** Re-measures if the last measurement is old; never throws (the old offset stays). */
  async refresh(): Promise<void> {
    if (Date.now() - this.syncedAt < RESYNC_EVERY_MS) return;
    await this.sync().catch(() => {});
  }

  /** A time on this process's clock (ms since the epoch), as Redis time. */
  toRedisTime(localMs: number): number {
    return Math.round(localMs + this.offsetMs);
  }

  /** A Redis time, as a time on this process's clock. */
  toLocalTime(redisMs: number): number {
    return Math.round(redisMs - this.offsetMs);
  }
}
