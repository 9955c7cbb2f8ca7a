import type { Logger } from 'pino';
import type { AccountChange } from './community.js';

export interface PushStats {
  sent: number;
  delivered: number;
  failed: number;
  lastError: string | null;
}

/**
 * Sends the documented push events (`{key, type, data}` POSTs) to the bot, one at a time and
 * in the order they happened, like Sonoran's own sender. A failed delivery is counted, not retried.
 */
export class PushSender {
  private chain: Promise<void> = Promise.resolve();
  private readonly counts: PushStats = { sent: 0, delivered: 0, failed: 0, lastError: null };

  constructor(
    private readonly url: string,
    private readonly apiKey: string,
    private readonly logger?: Logger,
    private readonly timeoutMs = 5_000,
  ) {}

  send(type: AccountChange, data: Record<string, unknown>): void {
    this.counts.sent += 1;
    this.chain = this.chain.then(() => this.deliver(type, data));
  }

  /** Resolves once every event sent so far was delivered or failed. */
  idle(): Promise<void> {
    return this.chain;
  }

  stats(): PushStats {
    return { ...this.counts };
  }

  private async deliver(type: AccountChange, data: Record<string, unknown>): Promise<void> {
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: this.apiKey, type, data }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.counts.delivered += 1;
    } catch (error) {
      this.counts.failed += 1;
      this.counts.lastError = error instanceof Error ? error.message : String(error);
      this.logger?.warn({ type, error: this.counts.lastError }, 'push event not delivered');
    }
  }
}
