import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How bench:soak steers its load loops: a gate that holds them while the bot restarts, and a
 * stop that ends them (and cuts their pauses short) when the run is over.
 */

/**
 * Members, staff and the push sender pass the gate before each dispatch, and wait while it is
 * closed (Discord would have no bot to deliver to).
 */
export class Gate {
  private reopened: Promise<void> | null = null;
  private release: () => void = () => {};

  close(): void {
    if (this.reopened) return;
    this.reopened = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.reopened = null;
    this.release();
  }

  /** Resolves at once while open, else when it opens again. */
  passed(): Promise<void> {
    return this.reopened ?? Promise.resolve();
  }
}

export class Stop {
  private readonly controller = new AbortController();

  constructor() {
    // Every load loop pauses on it at once (a dozen): no leak.
    setMaxListeners(0, this.controller.signal);
  }

  get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  stop(): void {
    this.controller.abort();
  }

  /** Waits `ms` (a member thinking, the next batch's turn), or less if the run stops meanwhile. */
  async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.controller.signal }).catch(() => {});
  }
}
