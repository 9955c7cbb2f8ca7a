import type { LogLine, NodeProcess } from './node-process.js';
import type { ProcessWorld } from './process-world.js';
import type { Stop } from './soak-control.js';

/**
 * The worker processes beside the bot (`npm run worker`, every operation), one of which is
 * killed without warning (SIGKILL, as a crash or an OOM kill would) every `everyMs` and replaced
 * by a new one, as a supervisor would: its jobs under way are taken over once their locks lapse.
 */
export class WorkerChurn {
  restarts = 0;
  private readonly running: NodeProcess[] = [];
  private readonly spawned: NodeProcess[] = [];

  constructor(
    private readonly world: ProcessWorld,
    private readonly stop: Stop,
    private readonly everyMs: number,
  ) {}

  async start(count: number): Promise<void> {
    await Promise.all(Array.from({ length: count }, () => this.spawn()));
  }

  async run(): Promise<void> {
    while (!this.stop.stopped) {
      await this.stop.pause(this.everyMs);
      if (this.stop.stopped) return;
      const victim = this.running.shift()!;
      victim.child.kill('SIGKILL');
      await victim.exited;
      await this.spawn();
      this.restarts += 1;
    }
  }

  /** Log lines at warn and above, of every worker process so far. */
  warnings(): LogLine[] {
    return this.spawned.flatMap((worker) => worker.lines().filter((line) => line.level >= 40));
  }

  /** Every worker process so far, for --log-dir. */
  processes(): readonly NodeProcess[] {
    return this.spawned;
  }

  private async spawn(): Promise<void> {
    const worker = await this.world.spawnWorker({}, `worker ${this.spawned.length + 1}`);
    this.running.push(worker);
    this.spawned.push(worker);
  }
}
