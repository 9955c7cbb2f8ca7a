import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

/**
 * The bot under test in a process of its own, started as `npm start` starts it (src/index.ts
 * under tsx), so its memory is its own: `rssMb` samples it.
 */
export interface BotProcess {
  child: ChildProcess;
  /** The most resident memory seen so far, and now, in MB. */
  peakRssMb(): number;
  rssMb(): number;
  /** Log lines at warn or above. */
  warnings(): string[];
  stop(): Promise<number | null>;
}

/** Resident set size of a process in MB: /proc on Linux, else ps. */
function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux, or gone
  }
  const ps = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' });
  return Number(ps.stdout.trim() || 0) / 1024;
}

export async function startBotProcess(env: Record<string, string>): Promise<BotProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const warnings: string[] = [];
  let onLine: ((msg: string) => void) | null = null;
  const parse = (line: string): { level: number; msg: string } | null => {
    try {
      return JSON.parse(line) as { level: number; msg: string };
    } catch {
      return null;
    }
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const parsed = parse(line);
        // Anything that is not a log line (a crash's stack) counts as a warning too.
        if (!parsed || parsed.level >= 40) warnings.push(line);
        if (parsed) onLine?.(parsed.msg);
      }
    });
  }
  const exited = once(child, 'exit') as Promise<[number | null]>;
  try {
    await new Promise<void>((resolve, reject) => {
      onLine = (msg) => msg === 'bot ready' && resolve();
      void exited.then(([code]) =>
        reject(new Error(`the bot exited (${code}) before it was ready:\n${warnings.join('\n')}`)),
      );
      setTimeout(() => reject(new Error('the bot was not ready within 60 s')), 60_000).unref();
    });
  } catch (error) {
    // Not ready: nobody else holds this child, so it goes now.
    child.kill('SIGKILL');
    throw error;
  }
  let peak = 0;
  const sample = () => (peak = Math.max(peak, rssOf(child.pid!)));
  const sampler = setInterval(sample, 250);
  sample();
  return {
    child,
    peakRssMb: () => Math.max(peak, sample()),
    rssMb: () => rssOf(child.pid!),
    warnings: () => [...warnings],
    stop: async () => {
      clearInterval(sampler);
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
  };
}
