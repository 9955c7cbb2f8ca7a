import type { QueueOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueKeys } from './keys.js';

/**
 * BullMQ keeps an event stream per queue for QueueEvents listeners; we use none (outcomes
 * travel by our own pub/sub), so the stream is kept short instead of BullMQ's 10 000 entries.
 */
const EVENT_STREAM_MAX_LENGTH = 100;

/** The options every Queue of ours is created with, on the submitting and the working side. */
export function queueOptions(connection: Redis, keys: QueueKeys): QueueOptions {
  return {
    connection,
    prefix: keys.bullPrefix,
    streams: { events: { maxLen: EVENT_STREAM_MAX_LENGTH } },
  };
}
