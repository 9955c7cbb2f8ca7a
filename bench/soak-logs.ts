import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SANDBOX_GUILD } from '../src/dev/sandbox-guild.js';
import type { NodeProcess } from './node-process.js';
import type { ProcessWorld } from './process-world.js';

/**
 * bench:soak --log-dir: each process's whole output in a file named after it ("bot 1.log",
 * "worker 3.log"), and what the audit and shift channels and the CMS's time clock hold
 * (channels.json), to look into a notice lost or posted twice.
 */
export function writeSoakLogs(
  dir: string,
  processes: readonly NodeProcess[],
  world: ProcessWorld,
): void {
  mkdirSync(dir, { recursive: true });
  for (const p of processes) writeFileSync(join(dir, `${p.name}.log`), p.output());
  const { channels } = SANDBOX_GUILD;
  writeFileSync(
    join(dir, 'channels.json'),
    JSON.stringify({
      audit: world.discord.messages(channels.audit),
      shifts: world.discord.messages(channels.shifts),
      clockRows: world.cms.community.data.clockRows,
    }),
  );
  console.log(`logs of ${processes.length} processes, and channels.json, in ${dir}`);
}
