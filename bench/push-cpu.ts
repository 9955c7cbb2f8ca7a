import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/**
 * Where the CPU went during bench:push's accepts, so a run on a busy machine says so: this
 * process, the load generator, Redis, and the whole machine (Linux /proc/stat; null elsewhere).
 */

/** Busy CPU time of the whole machine so far (s), or null without /proc/stat. */
export function machineBusySeconds(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1);
    // user nice system idle iowait irq softirq steal: all but idle and iowait are busy.
    const busy = fields
      .slice(0, 8)
      .reduce((sum, n, i) => (i === 3 || i === 4 ? sum : sum + Number(n)), 0);
    // USER_HZ is 100 on every Linux Node supports.
    return busy / 100;
  } catch {
    return null;
  }
}

/** CPU time Redis has used so far (s), from INFO cpu. */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return value('used_cpu_sys') + value('used_cpu_user');
}
