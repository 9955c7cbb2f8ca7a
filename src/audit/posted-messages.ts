import type { Redis } from 'ioredis';

/** Where an audit subject's message is, and which version of it shows. */
export interface PostedMessage {
  channelId: string;
  messageId: string;
  revision: number;
}

/** How long an event id is remembered as delivered (a re-recorded event is not posted again). */
const DELIVERED_KEPT_MS = 7 * 24 * 3600_000;
/** How long a subject's message can still be edited; after that a change posts a new one. */
const SUBJECT_KEPT_MS = 90 * 24 * 3600_000;

/**
 * What the audit channel has shown, in Redis: which event ids were delivered, and for each
 * subject (a case) the message that shows it, so a later version edits that message.
 */
export class PostedMessages {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {}

  async delivered(eventId: string): Promise<boolean> {
    return (await this.redis.exists(this.deliveredKey(eventId))) === 1;
  }

  /** Which of `eventIds` were delivered already (one round trip). */
  async deliveredAmong(eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const pipeline = this.redis.pipeline();
    for (const id of eventIds) pipeline.exists(this.deliveredKey(id));
    const answers = (await pipeline.exec()) ?? [];
    // An unanswered read is not "not delivered": that would post the notice again.
    const failed = answers.find(([error]) => error);
    if (failed || answers.length !== eventIds.length)
      throw failed?.[0] ?? new Error('Redis did not answer every delivered check');
    return new Set(eventIds.filter((_, i) => answers[i]![1] === 1));
  }

  async forSubject(subject: string): Promise<PostedMessage | null> {
    const text = await this.redis.get(this.subjectKey(subject));
    return text ? (JSON.parse(text) as PostedMessage) : null;
  }

  /** The event was delivered (as `posted`, or skipped as stale when null). */
  async remember(eventId: string, subject: string | undefined, posted: PostedMessage | null) {
    const transaction = this.redis
      .multi()
      .set(this.deliveredKey(eventId), posted?.messageId ?? 'skipped', 'PX', DELIVERED_KEPT_MS);
    if (subject && posted)
      transaction.set(this.subjectKey(subject), JSON.stringify(posted), 'PX', SUBJECT_KEPT_MS);
    await transaction.exec();
  }

  private deliveredKey(eventId: string): string {
    return `${this.namespace}:audit:delivered:${eventId}`;
  }

  private subjectKey(subject: string): string {
    return `${this.namespace}:audit:subject:${subject}`;
  }
}
