import type { Redis } from 'ioredis';
import type { OperationName } from '../cms/catalog/index.js';
import type { QueueKeys } from './keys.js';
import { defineLuaScript, runLuaScript } from './scripts/lua-script.js';
import { ANNOUNCE_SERVED, SERVED_FOR } from './scripts/served-operations.js';

/** How often a worker process renews its announcement, and how long one lasts without renewal. */
export const ANNOUNCE_EVERY_MS = 5_000;
export const ANNOUNCEMENT_TTL_MS = 3 * ANNOUNCE_EVERY_MS;

/**
 * Which operations some worker process serves. Workers announce theirs every few seconds; a
 * submitter checks before queuing, so a call no process would ever send fails at once instead
 * of waiting forever. A positive answer is trusted locally while the announcement lasts.
 */
export class ServedOperations {
  private readonly knownUntil = new Map<OperationName, number>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
  ) {
    defineLuaScript(redis, ANNOUNCE_SERVED);
    defineLuaScript(redis, SERVED_FOR);
  }

  /** Announces (or, with `withdraw`, takes back) that this worker serves these operations. */
  async announce(
    workerId: string,
    operations: readonly OperationName[],
    withdraw = false,
  ): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const operation of operations) {
      void runLuaScript(
        pipeline,
        ANNOUNCE_SERVED,
        { servedSet: this.keys.served(operation) },
        { workerId, ttlMs: withdraw ? 0 : ANNOUNCEMENT_TTL_MS },
      );
    }
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0];
  }

  async isServed(operation: OperationName): Promise<boolean> {
    if ((this.knownUntil.get(operation) ?? 0) > Date.now()) return true;
    const servedForMs = await runLuaScript<string, string, number>(
      this.redis,
      SERVED_FOR,
      { servedSet: this.keys.served(operation) },
      {},
    );
    if (servedForMs > 0) this.knownUntil.set(operation, Date.now() + servedForMs);
    return servedForMs > 0;
  }
}
