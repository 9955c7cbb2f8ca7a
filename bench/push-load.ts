import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The load generator's side of bench:push: a process of its own (push-load-process.ts). */

export interface LoadInput {
  url: string;
  bodies: string[];
  concurrency: number;
}

export interface LoadResult {
  /** The HTTP status, or -1 when the connection failed. */
  status: number[];
  /** Epoch ms, high resolution, comparable across processes. */
  sentAt: number[];
  answeredAt: number[];
  /** CPU time the load generator spent sending (ms). */
  cpuMs: number;
  /** Busy CPU time of the whole machine while sending (s), or null when unknown. */
  machineBusySeconds: number | null;
}

export type ToLoadProcess = { type: 'run'; input: LoadInput } | { type: 'go' };
type FromLoadProcess = { type: 'ready' } | { type: 'result'; result: LoadResult };

export interface LoadGenerator {
  /**
   * Sends every body; `measure` runs once the requests are built, right before the first is
   * sent, so the caller starts its clocks on the load itself.
   */
  send(input: LoadInput, measure?: () => Promise<void> | void): Promise<LoadResult>;
  stop(): void;
}

export function startLoadGenerator(): LoadGenerator {
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./push-load-process.ts', import.meta.url)),
    { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the load generator exited (${code})`))),
  );
  exited.catch(() => {});
  const next = () =>
    Promise.race([
      new Promise<FromLoadProcess>((resolve) =>
        child.once('message', (message) => resolve(message as FromLoadProcess)),
      ),
      exited,
    ]);
  return {
    async send(input, measure) {
      const ready = next();
      child.send({ type: 'run', input } satisfies ToLoadProcess);
      await ready;
      await measure?.();
      const done = next();
      child.send({ type: 'go' } satisfies ToLoadProcess);
      const message = await done;
      if (message.type !== 'result') throw new Error('the load generator answered out of turn');
      return message.result;
    },
    stop: () => {
      child.removeAllListeners('exit');
      child.kill();
    },
  };
}
