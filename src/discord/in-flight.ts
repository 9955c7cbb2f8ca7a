/**
 * The interactions being handled, so a shutdown can stop taking new ones and let the ones under
 * way finish (or, past a grace period, tell their members to try again).
 */
export class InFlightInteractions {
  private readonly running = new Map<Promise<unknown>, () => Promise<void>>();
  private draining = false;

  get accepting(): boolean {
    return !this.draining;
  }

  get size(): number {
    return this.running.size;
  }

  /** Runs one interaction's handling; `abandon` answers it if shutdown cannot wait for it. */
  track(work: Promise<unknown>, abandon: () => Promise<void>): void {
    this.running.set(work, abandon);
    void work.finally(() => this.running.delete(work)).catch(() => {});
  }

  /** Stops taking interactions; waits up to `graceMs` for those under way, then answers the rest. */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled([...this.running.keys()]), grace]);
    clearTimeout(timer);
    await Promise.allSettled([...this.running.values()].map((abandon) => abandon()));
  }
}
