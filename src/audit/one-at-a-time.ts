import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * Keeps a queue's jobs to one at a time across every process (BullMQ's global concurrency), which
 * is what keeps the audit pipeline in order. The setting lives in Redis: a Redis that lost its
 * state lost it too, so it is set again each time the connection is ready. Returns the undo.
 */
export async function oneAtATime(queue: Queue, connection: Redis, logger: Logger) {
  await queue.setGlobalConcurrency(1);
  const setAgain = () =>
    void queue
      .setGlobalConcurrency(1)
      .catch((error: unknown) =>
        logger.warn({ err: error, queue: queue.name }, 'could not set the queue to one at a time'),
      );
  connection.on('ready', setAgain);
  return () => void connection.off('ready', setAgain);
}
