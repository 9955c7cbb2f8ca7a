import { performance } from 'node:perf_hooks';

/**
 * Production's rate limit, per credential and per operation: a strict sliding window of the
 * documented limit. Going over it answers 429 and blocks the whole credential for `blockMs`
 * (an hour in production). It also keeps the figures `/__emulator/stats` reports, which are
 * the independent judge of the bot's pacing.
 */

export interface RateLimiterOptions {
  windowMs: number;
  blockMs: number;
  limitFor: (operation: string) => number;
  /** Milliseconds on a monotonic clock; sub-millisecond precision keeps windows exact. */
  clock?: () => number;
}

export type Admission = { admitted: true } | { admitted: false; retryAfterMs: number; blocked: boolean };

export interface OperationStats {
  credential: string;
  operation: string;
  limit: number;
  requests: number;
  rateLimited: number;
  /** The most requests that arrived within any sliding window, admitted or not. */
  maxInWindow: number;
}

interface OperationWindow {
  credential: string;
  operation: string;
  limit: number;
  /** Arrival times of admitted requests still inside the window. */
  admitted: number[];
  /** Arrival times of all requests still inside the window. */
  arrivals: number[];
  requests: number;
  rateLimited: number;
  maxInWindow: number;
}

export class SlidingWindowRateLimiter {
  private readonly windows = new Map<string, OperationWindow>();
  private readonly blockedUntil = new Map<string, number>();
  private readonly clock: () => number;

  constructor(private readonly options: RateLimiterOptions) {
    this.clock = options.clock ?? (() => performance.now());
  }

  get windowMs(): number {
    return this.options.windowMs;
  }

  get blockMs(): number {
    return this.options.blockMs;
  }

  admit(credential: string, operation: string): Admission {
    const now = this.clock();
    const window = this.windowFor(credential, operation);
    window.requests += 1;
    window.arrivals.push(now);
    dropExpired(window.arrivals, now - this.options.windowMs);
    window.maxInWindow = Math.max(window.maxInWindow, window.arrivals.length);

    const blockedUntil = this.blockedUntil.get(credential) ?? 0;
    if (blockedUntil > now) {
      window.rateLimited += 1;
      return { admitted: false, retryAfterMs: blockedUntil - now, blocked: true };
    }

    dropExpired(window.admitted, now - this.options.windowMs);
    if (window.admitted.length >= window.limit) {
      window.rateLimited += 1;
      if (this.options.blockMs > 0) {
        this.blockedUntil.set(credential, now + this.options.blockMs);
        return { admitted: false, retryAfterMs: this.options.blockMs, blocked: true };
      }
      return { admitted: false, retryAfterMs: window.admitted[0]! + this.options.windowMs - now, blocked: false };
    }
    window.admitted.push(now);
    return { admitted: true };
  }

  stats(): OperationStats[] {
    return [...this.windows.values()].map(({ credential, operation, limit, requests, rateLimited, maxInWindow }) => ({
      credential,
      operation,
      limit,
      requests,
      rateLimited,
      maxInWindow,
    }));
  }

  blockedCredentials(): { credential: string; remainingMs: number }[] {
    const now = this.clock();
    return [...this.blockedUntil.entries()]
      .filter(([, until]) => until > now)
      .map(([credential, until]) => ({ credential, remainingMs: Math.round(until - now) }));
  }

  reset(): void {
    this.windows.clear();
    this.blockedUntil.clear();
  }

  private windowFor(credential: string, operation: string): OperationWindow {
    const key = `${credential}\u0000${operation}`;
    let window = this.windows.get(key);
    if (!window) {
      window = { credential, operation, limit: this.options.limitFor(operation), admitted: [], arrivals: [], requests: 0, rateLimited: 0, maxInWindow: 0 };
      this.windows.set(key, window);
    }
    return window;
  }
}

/** Drops times at or before `cutoff` from the front of an ascending list. */
function dropExpired(times: number[], cutoff: number): void {
  let expired = 0;
  while (expired < times.length && times[expired]! <= cutoff) expired += 1;
  if (expired > 0) times.splice(0, expired);
}
