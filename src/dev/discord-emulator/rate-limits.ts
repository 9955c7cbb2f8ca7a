import { createHash } from 'node:crypto';

export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  headers: Record<string, string>;
  /** Set when refused: how long until the bucket refills. */
  retryAfterMs?: number;
}

interface Window {
  resetAt: number;
  used: number;
}

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

/**
 * Discord-style fixed-window buckets. A bucket is one route's hash plus its major parameter
 * (channel, guild or webhook), so each channel has its own message budget. Answers carry the
 * X-RateLimit-* headers discord.js uses to wait before it would be refused, and refusals carry
 * `Retry-After`. Real time, always: discord.js waits in real time.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  /** How many requests were answered 429. */
  refused = 0;

  take(route: string, major: string, rule: RateLimitRule): RateLimitDecision {
    const hash = createHash('sha1').update(route).digest('hex').slice(0, 16);
    const key = `${hash}:${major}`;
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || now >= window.resetAt) {
      window = { resetAt: now + rule.windowMs, used: 0 };
      this.windows.set(key, window);
    }
    const resetAfter = window.resetAt - now;
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(rule.limit),
      'x-ratelimit-reset': (window.resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': seconds(resetAfter),
      'x-ratelimit-bucket': hash,
    };
    if (window.used >= rule.limit) {
      this.refused += 1;
      // Decimal seconds (Discord rounds up to whole seconds); precise enough for compressed windows in tests.
      return {
        allowed: false,
        retryAfterMs: resetAfter,
        headers: {
          ...headers,
          'x-ratelimit-remaining': '0',
          'retry-after': seconds(resetAfter),
          'x-ratelimit-scope': 'user',
        },
      };
    }
    window.used += 1;
    return {
      allowed: true,
      headers: { ...headers, 'x-ratelimit-remaining': String(rule.limit - window.used) },
    };
  }

  reset(): void {
    this.windows.clear();
  }
}
