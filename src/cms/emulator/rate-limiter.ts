import { performance } from 'node:perf_hooks';
import { budgetName, isOperationName } from '../catalog/index.js';

/**
 * Production's rate limit, per credential and per budget: a strict sliding window of the
 * documented limit. A v1 operation and its v2 twin spend one budget (the catalog's
 * `budgetName`), so they share one window unless `separateTwins` is set. Going over it
 * answers 429 and blocks the whole credential for `blockMs` (an hour in production). It also
 * keeps the figures `/__emulator/stats` reports, which are the independent judge of the bot's pacing.
 */

export interface RateLimiterOptions {
  windowMs: number;
  blockMs: number;
  /** The limit of a budget, given the budget's name. */
  limitFor: (budget: string) => number;
  /** Meter each v1 operation in a window of its own instead of its v2 twin's. */
  separateTwins?: boolean;
  /** Milliseconds on a monotonic clock; sub-millisecond precision keeps windows exact. */
  clock?: () => number;
}

export type Admission =
  | { admitted: true }
  | { admitted: false; retryAfterMs: number; blocked: boolean; budget: string; limit: number };

/** One row per (credential, metered budget): a v2 operation and its v1 twin share a row. */
export interface OperationStats {
  credential: string;
  /**
   * The budget's name: the v2 twin's name for a twinned v1 operation (the catalog's
   * `budgetName`), or the v1 operation's own name with `separateTwins`.
   */
  operation: string;
  limit: number;
  /** Requests counted in this budget, by all its operations together. */
  requests: number;
  rateLimited: number;
  /** The most requests that arrived within any sliding window, admitted or not. */
  maxInWindow: number;
  /** The same requests by the operation that sent them, e.g. `{ getAccount: 27, 'v1.getComAccount': 1 }`. */
  requestsByOperation: Record<string, number>;
}

interface BudgetWindow {
  credential: string;
  operation: string;
  limit: number;
  requestsByOperation: Record<string, number>;
  /** Arrival times of admitted requests still inside the window. */
  admitted: number[];
  /** Arrival times of all requests still inside the window. */
  arrivals: number[];
  requests: number;
  rateLimited: number;
  maxInWindow: number;
}

export class SlidingWindowRateLimiter {
  private readonly windows = new Map<string, BudgetWindow>();
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

  get separateTwins(): boolean {
    return this.options.separateTwins ?? false;
  }

  /** The budget an operation spends in this limiter. */
  budgetOf(operation: string): string {
    return this.options.separateTwins || !isOperationName(operation)
      ? operation
      : budgetName(operation);
  }

  admit(credential: string, operation: string): Admission {
    const now = this.clock();
    const window = this.windowFor(credential, this.budgetOf(operation));
    window.requests += 1;
    window.requestsByOperation[operation] = (window.requestsByOperation[operation] ?? 0) + 1;
    window.arrivals.push(now);
    dropExpired(window.arrivals, now - this.options.windowMs);
    window.maxInWindow = Math.max(window.maxInWindow, window.arrivals.length);

    const blockedUntil = this.blockedUntil.get(credential) ?? 0;
    if (blockedUntil > now) {
      window.rateLimited += 1;
      return {
        admitted: false,
        retryAfterMs: blockedUntil - now,
        blocked: true,
        budget: window.operation,
        limit: window.limit,
      };
    }

    dropExpired(window.admitted, now - this.options.windowMs);
    if (window.admitted.length >= window.limit) {
      window.rateLimited += 1;
      const refusal = { admitted: false, budget: window.operation, limit: window.limit } as const;
      if (this.options.blockMs > 0) {
        this.blockedUntil.set(credential, now + this.options.blockMs);
        return { ...refusal, retryAfterMs: this.options.blockMs, blocked: true };
      }
      return {
        ...refusal,
        retryAfterMs: window.admitted[0]! + this.options.windowMs - now,
        blocked: false,
      };
    }
    window.admitted.push(now);
    return { admitted: true };
  }

  stats(): OperationStats[] {
    return [...this.windows.values()].map(
      ({
        credential,
        operation,
        limit,
        requests,
        rateLimited,
        maxInWindow,
        requestsByOperation,
      }) => ({
        credential,
        operation,
        limit,
        requests,
        rateLimited,
        maxInWindow,
        requestsByOperation: { ...requestsByOperation },
      }),
    );
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

  private windowFor(credential: string, budget: string): BudgetWindow {
    const key = `${credential}\u0000${budget}`;
    let window = this.windows.get(key);
    if (!window) {
      const limit = this.options.limitFor(budget);
      window = {
        credential,
        operation: budget,
        limit,
        requestsByOperation: {},
        admitted: [],
        arrivals: [],
        requests: 0,
        rateLimited: 0,
        maxInWindow: 0,
      };
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
