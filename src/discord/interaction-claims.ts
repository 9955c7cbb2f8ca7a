import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { within } from '../within.js';

/** As long as Discord lets anyone answer an interaction (its token lives 15 minutes). */
const CLAIM_KEPT_MS = 15 * 60_000;
/** A claim that Redis does not answer in time is taken as ours: answering beats silence. */
const CLAIM_TIMEOUT_MS = 1_000;

/**
 * One process per interaction. Discord sends each interaction to every gateway session of the
 * bot, so while two bot processes run on one token (a rolling deploy, a second replica), both
 * would act on it: the slower one's acknowledgement fails, but a button might already have
 * settled a confirmation it then cannot answer. The first process to claim the interaction id
 * in Redis handles it; the others leave it alone. Without Redis, every process handles it, as
 * a single process would.
 */
export class InteractionClaims {
  private redisDown = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  /** True when this process should handle the interaction. */
  async claim(interactionId: string): Promise<boolean> {
    try {
      const set = await within(
        this.redis.set(`${this.prefix}:${interactionId}`, '1', 'PX', CLAIM_KEPT_MS, 'NX'),
        CLAIM_TIMEOUT_MS,
        `no answer from Redis in ${CLAIM_TIMEOUT_MS} ms`,
      );
      this.redisDown = false;
      return set === 'OK';
    } catch (error) {
      if (!this.redisDown)
        this.logger.warn(
          { err: error },
          'cannot claim interactions in Redis: answering each one here (a second bot process would too)',
        );
      this.redisDown = true;
      return true;
    }
  }
}
