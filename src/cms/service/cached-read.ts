import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.js';
import type { Priority } from '../../queue/index.js';

export interface Cached<T> {
  value: T;
  /** When the CMS answered it (ms since the epoch). */
  fetchedAt: number;
}

export interface CachedReadOptions<T> {
  redis: Redis;
  key: string;
  /** Reads the value from the CMS (through the queue) at the given priority. */
  load: (priority: Priority) => Promise<T>;
  /** Younger than this, the cached value is served without a refresh. */
  freshForMs: number;
  /** How long Redis keeps a value at all: a stale answer beats none when the CMS is down. */
  keepForMs: number;
  logger: Logger;
  /** Names it in logs. */
  name: string;
}

/**
 * A CMS read kept in Redis, shared by every bot process: fresh enough is served as it is; stale
 * is served at once while one background refresh (background priority, inside the budget)
 * brings a newer one; missing is read now, or, where nothing may wait (autocomplete), left for
 * the refresh.
 */
export class CachedRead<T> {
  private refreshing: Promise<Cached<T>> | undefined;

  constructor(private readonly options: CachedReadOptions<T>) {}

  /** Never waits on the CMS: what is cached (or null), with a background refresh when stale. */
  async peek(): Promise<Cached<T> | null> {
    const cached = await this.read();
    if (!cached || this.isStale(cached)) this.refreshInBackground();
    return cached;
  }

  /** The cached value when fresh; else a new read now at `priority`, or the stale one if that read fails. */
  async get(priority: Priority = 'interactive'): Promise<Cached<T>> {
    const cached = await this.read();
    if (cached && !this.isStale(cached)) return cached;
    try {
      return await this.refresh(priority);
    } catch (error) {
      if (cached) return cached;
      throw error;
    }
  }

  /** Reads the CMS now and stores the answer; concurrent refreshes in this process share one read. */
  refresh(priority: Priority): Promise<Cached<T>> {
    this.refreshing ??= (async () => {
      try {
        return await this.store(await this.options.load(priority));
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Keeps a value the caller read from the CMS itself (e.g. with an interaction's call options). */
  async store(value: T): Promise<Cached<T>> {
    const cached: Cached<T> = { value, fetchedAt: Date.now() };
    await this.options.redis.set(
      this.options.key,
      JSON.stringify(cached),
      'PX',
      this.options.keepForMs,
    );
    return cached;
  }

  async read(): Promise<Cached<T> | null> {
    const text = await this.options.redis.get(this.options.key);
    return text ? (JSON.parse(text) as Cached<T>) : null;
  }

  private isStale(cached: Cached<T>): boolean {
    return Date.now() - cached.fetchedAt >= this.options.freshForMs;
  }

  private refreshInBackground(): void {
    if (this.refreshing) return;
    this.refresh('background').catch((error: unknown) =>
      this.options.logger.warn(
        { err: error, cache: this.options.name },
        'background refresh of a cached CMS read failed',
      ),
    );
  }
}
