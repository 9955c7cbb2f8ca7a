import { setTimeout as sleep } from 'node:timers/promises';
import { limitPerMinute, type OperationName } from '../cms/catalog/index.js';

export interface ReconcilePacing {
  /** The CMS rate window (CMS_RATE_WINDOW_MS) and the pacing's safety margin. */
  windowMs: number;
  marginMs: number;
  /** RECONCILE_SHARE: the share of each operation's limit the reconciler may use. */
  share: number;
}

/**
 * How far apart the reconciler sends its own calls to `operation`: its share of the catalog's
 * limit, spread evenly over the window (plus the margin, as the pacing gate counts it). The
 * rest of the budget stays free for members, staff and other background work.
 */
export function reconcileSpacingMs(operation: OperationName, pacing: ReconcilePacing): number {
  return (pacing.windowMs + pacing.marginMs) / (limitPerMinute(operation) * pacing.share);
}

/**
 * Spaces one kind of call: each starts `spacingMs` after the previous one answered, so however
 * long a call waited in the queue, two never reach the CMS closer together than that.
 */
export class CallSpacer {
  private lastEndedAt: number | null = null;

  constructor(readonly spacingMs: number) {}

  /** Runs `call` at its turn (a stop aborts the wait). */
  async run<T>(call: () => Promise<T>, signal: AbortSignal): Promise<T> {
    const waitMs = this.lastEndedAt === null ? 0 : this.lastEndedAt + this.spacingMs - Date.now();
    if (waitMs > 0) await sleep(waitMs, undefined, { signal });
    signal.throwIfAborted();
    try {
      return await call();
    } finally {
      this.lastEndedAt = Date.now();
    }
  }
}
