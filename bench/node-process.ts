import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { SETTING_NAMES } from '../src/config.js';

/** Settings a developer's shell or .env might hold: empty counts as unset, so none leak in. */
const UNSET = Object.fromEntries(SETTING_NAMES.map((name) => [name, '']));

export type LogLine = { msg: string; level: number } & Record<string, unknown>;
type Match = string | RegExp | ((line: LogLine) => boolean);

/** `npm start` or `npm run worker` as a child process, its JSON log read as it comes. */
export interface NodeProcess {
  child: ChildProcess;
  name: string;
  lines(): LogLine[];
  /** Everything it wrote, for failure messages. */
  output(): string;
  /** Resolves with the first log line that matches (already written or to come); rejects if the process exits first. */
  logged(match: Match, timeoutMs?: number): Promise<LogLine>;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** Resident memory (kB) from /proc, or null where there is no /proc. */
  rssKb(): number | null;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
// A test file or benchmark that dies must not leave its children running.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const matches = (match: Match, line: LogLine) =>
  typeof match === 'function'
    ? match(line)
    : typeof match === 'string'
      ? line.msg === match
      : match.test(line.msg);

export function spawnNode(
  script: 'src/index.ts' | 'src/worker.ts',
  env: Record<string, string>,
  name: string = script,
): NodeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...UNSET, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const parsed: LogLine[] = [];
  let partial = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const text = partial + chunk.toString();
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) if (line.startsWith('{')) parsed.push(JSON.parse(line) as LogLine);
    for (const wake of waiters) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  void exited.then(() => running.delete(child));
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    name,
    lines: () => parsed,
    output: () => output,
    exited,
    logged: (match, timeoutMs = 20_000) =>
      new Promise<LogLine>((resolve, reject) => {
        const check = () => {
          const found = parsed.find((line) => matches(match, line));
          if (!found) return;
          done();
          resolve(found);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${name} did not log ${String(match)} in ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exited.then(([code, signal]) => {
          if (!waiters.has(check)) return;
          done();
          reject(
            new Error(
              `${name} exited (${code ?? signal}) before logging ${String(match)}:\n${output}`,
            ),
          );
        });
        check();
      }),
    rssKb: () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
      } catch {
        return null;
      }
    },
    stop: async (graceMs = 10_000) => {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Stops every child process still running (the `after` of each fault test). */
export async function stopAll(processes: NodeProcess[]): Promise<void> {
  await Promise.all(processes.map((p) => p.stop()));
}
