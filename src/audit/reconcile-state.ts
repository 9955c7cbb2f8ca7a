import type { Redis } from 'ioredis';

/** A pass that read every account (and its share of details) to the end. */
export interface CompletedPass {
  id: string;
  startedAt: number;
  finishedAt: number;
  /** Accounts listed and account details read (absent in passes recorded before they were kept). */
  accounts?: number;
  details?: number;
}

/**
 * What the reconciler keeps between passes, in Redis, so every bot process and every restart
 * carries on from the same place: when the last pass started (the cadence), the last completed
 * pass (a first pass has completed; what "since the previous pass" means), the round-robin
 * cursor of detail reads, and when each account's clock was last read.
 */
export class ReconcileState {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {}

  private key(name: string): string {
    return `${this.namespace}:audit:reconcile:${name}`;
  }

  get lockKey(): string {
    return this.key('lock');
  }

  /** When the latest pass (of any process, completed or not) started, or null before the first. */
  async lastStartedAt(): Promise<number | null> {
    const text = await this.redis.get(this.key('started-at'));
    return text === null ? null : Number(text);
  }

  async passStarted(at: number): Promise<void> {
    await this.redis.set(this.key('started-at'), String(at));
  }

  async lastCompleted(): Promise<CompletedPass | null> {
    const text = await this.redis.get(this.key('completed'));
    return text ? (JSON.parse(text) as CompletedPass) : null;
  }

  async passCompleted(pass: CompletedPass): Promise<void> {
    await this.redis.set(this.key('completed'), JSON.stringify(pass));
  }

  /** The last account whose details were read: the next pass goes on after it. */
  cursor(): Promise<string | null> {
    return this.redis.get(this.key('cursor'));
  }

  /** When the account's clock was last read (ms, taken before the read was sent), or null. */
  async clockReadAt(accId: string): Promise<number | null> {
    const text = await this.redis.hget(this.key('clock-read-at'), accId);
    return text === null ? null : Number(text);
  }

  /** The account's details were read (the request left no earlier than `readAt`). */
  async detailsRead(accId: string, readAt: number): Promise<void> {
    await this.redis
      .multi()
      .set(this.key('cursor'), accId)
      .hset(this.key('clock-read-at'), accId, String(readAt))
      .exec();
  }
}

/**
 * The next `count` accounts of the round-robin after `cursor`, in id order (stable whatever
 * order the CMS lists them in, and whoever joined or left since), wrapping around once.
 */
export function nextInRotation(accIds: readonly string[], cursor: string | null, count: number) {
  const sorted = [...new Set(accIds)].sort();
  const start = cursor === null ? 0 : sorted.findIndex((accId) => accId > cursor);
  const from = start < 0 ? 0 : start;
  const rotated = [...sorted.slice(from), ...sorted.slice(0, from)];
  return rotated.slice(0, Math.max(0, count));
}
