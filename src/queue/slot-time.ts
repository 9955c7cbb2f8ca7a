import { performance } from 'node:perf_hooks';

/**
 * A granted slot lasts `requestTimeoutMs` from the moment the gate decided (Redis time). This
 * process cannot read that moment, but it knows one earlier: when it asked. Counting the
 * request's timeout from there ends it before the slot ends, so no request outlives its slot.
 */
export class SlotTimer {
  private readonly askedAt: number;

  constructor(
    private readonly requestTimeoutMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.askedAt = now();
  }

  /** What is left of the slot for the request's own timeout. */
  timeLeftMs(): number {
    return Math.floor(this.requestTimeoutMs - (this.now() - this.askedAt));
  }

  /**
   * Whether enough of the slot is left to start the request: with less than a quarter of its
   * timeout, a request that would have succeeded would likely time out; give the slot back.
   */
  worthSending(): boolean {
    return this.timeLeftMs() >= this.requestTimeoutMs / 4;
  }
}
