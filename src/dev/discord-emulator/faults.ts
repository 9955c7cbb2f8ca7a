/**
 * Injected REST trouble for tests: failing answers (5xx by default) and slow answers, for every
 * route or chosen ones, for a while or for a number of requests.
 */
export interface RestFaultOptions {
  /** Route templates ('POST /channels/:channelId/messages', or without the method) or a RegExp tested on 'METHOD /path'. */
  routes?: Array<string | RegExp>;
  /** For how long (real time); forever when neither this nor `count` is given. */
  forMs?: number;
  /** For how many matching requests. */
  count?: number;
}

interface Fault extends RestFaultOptions {
  kind: 'fail' | 'delay';
  status: number;
  delayMs: number;
  until: number | null;
  remaining: number | null;
}

export interface FaultOutcome {
  delayMs: number;
  /** An injected failure status, or null to serve normally. */
  failStatus: number | null;
}

export class RestFaults {
  private faults: Fault[] = [];

  /** REST answers `status` (503 by default); discord.js retries 5xx three times, then throws HTTPError. */
  fail(options: RestFaultOptions & { status?: number } = {}): () => void {
    return this.add({ ...options, kind: 'fail', status: options.status ?? 503, delayMs: 0 });
  }

  /** Requests wait `ms` before they are handled, as if they reached Discord late. */
  delay(options: RestFaultOptions & { ms: number }): () => void {
    return this.add({ ...options, kind: 'delay', status: 0, delayMs: options.ms });
  }

  clear(): void {
    this.faults = [];
  }

  private add(fault: Omit<Fault, 'until' | 'remaining'>): () => void {
    const entry: Fault = {
      ...fault,
      until: fault.forMs === undefined ? null : Date.now() + fault.forMs,
      remaining: fault.count ?? null,
    };
    this.faults.push(entry);
    return () => {
      this.faults = this.faults.filter((f) => f !== entry);
    };
  }

  /** What to do with one request; spends one use of each fault that applies. */
  draw(method: string, route: string | null, path: string): FaultOutcome {
    const now = Date.now();
    this.faults = this.faults.filter(
      (f) => (f.until === null || now < f.until) && (f.remaining === null || f.remaining > 0),
    );
    const outcome: FaultOutcome = { delayMs: 0, failStatus: null };
    for (const fault of this.faults) {
      if (!matches(fault, method, route, path)) continue;
      if (fault.remaining !== null) fault.remaining -= 1;
      if (fault.kind === 'delay') outcome.delayMs += fault.delayMs;
      else outcome.failStatus ??= fault.status;
    }
    return outcome;
  }
}

function matches(fault: Fault, method: string, route: string | null, path: string): boolean {
  if (!fault.routes || fault.routes.length === 0) return true;
  return fault.routes.some((r) => {
    if (r instanceof RegExp) return r.test(`${method} ${path}`);
    if (route === null) return false;
    return r === route || r === route.slice(route.indexOf(' ') + 1) || r === `${method} ${path}`;
  });
}
