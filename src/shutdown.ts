/**
 * Stops what a process started on every exit path: a normal end, an error, SIGINT or SIGTERM.
 * Entry points create it before starting anything, register each resource as soon as its start
 * is under way, and race their waits with `signal`.
 */

/** The reason `signal` carries after SIGINT or SIGTERM. */
export class Interrupted extends Error {
  constructor(readonly signalName: NodeJS.Signals) {
    super(`interrupted by ${signalName}`);
    this.name = 'Interrupted';
  }
}

/** Settles as `work` does, or rejects with the signal's reason as soon as it is aborted. */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

interface Resource {
  stop(): Promise<unknown>;
  /** At once and synchronously, for a second Ctrl-C that will not wait. */
  kill?(): void;
}

export interface Lifecycle {
  /** Aborted (with an Interrupted reason) on the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /**
   * Registers a resource while it starts, so a failure or a signal during the start still stops
   * it; answers the start, raced with the signal.
   */
  start<T>(
    starting: Promise<T>,
    stop: (started: T) => Promise<unknown>,
    kill?: (started: T) => void,
  ): Promise<T>;
  /** Registers a stop step for something already running. */
  add(stop: () => Promise<unknown>): void;
  /** Waits for `work`, or until a signal comes. */
  wait<T>(work: Promise<T>): Promise<T>;
  /** Stops everything registered, newest first, each at most `stepMs`; runs once. */
  close(): Promise<void>;
}

export function lifecycle(
  options: { stepMs?: number; onStepError?: (error: unknown) => void } = {},
): Lifecycle {
  const controller = new AbortController();
  const resources: Resource[] = [];
  let closing: Promise<void> | null = null;

  const onSignal = (name: NodeJS.Signals) => {
    if (!controller.signal.aborted) return controller.abort(new Interrupted(name));
    // A second signal: the user will not wait for a clean stop.
    for (const resource of [...resources].reverse()) resource.kill?.();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const stepMs = options.stepMs ?? 10_000;
  const step = async (resource: Resource) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`a stop step took longer than ${stepMs} ms`)),
        stepMs,
      );
    });
    try {
      await Promise.race([resource.stop(), timeout]);
    } catch (error) {
      // A step that hangs or fails must not keep the later ones from running.
      resource.kill?.();
      options.onStepError?.(error);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    signal: controller.signal,
    start<T>(
      starting: Promise<T>,
      stop: (started: T) => Promise<unknown>,
      kill?: (started: T) => void,
    ): Promise<T> {
      let started: [T] | null = null;
      starting.then(
        (value) => (started = [value]),
        () => {},
      );
      resources.push({
        stop: () => starting.then(stop, () => undefined),
        kill: () => {
          if (started && kill) kill(started[0]);
        },
      });
      return abortable(starting, controller.signal);
    },
    add(stop) {
      resources.push({ stop });
    },
    wait: (work) => abortable(work, controller.signal),
    close() {
      closing ??= (async () => {
        // Popped only once stopped, so a second signal meanwhile still kills the one stopping.
        while (resources.length > 0) {
          await step(resources.at(-1)!);
          resources.pop();
        }
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      })();
      return closing;
    },
  };
}
