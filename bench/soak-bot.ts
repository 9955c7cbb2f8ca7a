import { setTimeout as sleep } from 'node:timers/promises';
import type { LogLine, NodeProcess } from './node-process.js';
import type { ProcessWorld } from './process-world.js';

const isPass = (line: LogLine) => line.msg.startsWith('reconciliation pass:');

/**
 * The bot under soak (`npm start` in a child process), restarted in place when asked: SIGTERM,
 * its exit, then a new process on the same settings and ports.
 */
export class SoakBot {
  restarts = 0;
  private readonly spawned: NodeProcess[] = [];

  constructor(
    private readonly world: ProcessWorld,
    private readonly env: Record<string, string>,
    /** Its /metrics (OPS_PORT). */
    private readonly metricsUrl: string,
  ) {}

  get current(): NodeProcess {
    return this.spawned.at(-1)!;
  }

  async start(): Promise<void> {
    this.spawned.push(await this.world.spawnBot(this.env, `bot ${this.spawned.length + 1}`));
  }

  /** SIGTERM (interactions under way finish, or their members are told), then a new process. */
  async restart(): Promise<void> {
    await this.current.stop(60_000);
    await this.start();
    this.restarts += 1;
  }

  rssKb(): number | null {
    return this.current.rssKb();
  }

  /** Resolves once the bot has logged `count` reconciliation passes from now on. */
  async passes(count: number, timeoutMs: number): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      const before = new Set(this.current.lines());
      await this.current.logged((line) => isPass(line) && !before.has(line), timeoutMs);
    }
  }

  /** The first pass (recording the CMS as it is, posting nothing). */
  firstPass(timeoutMs: number): Promise<LogLine> {
    return this.current.logged(isPass, timeoutMs);
  }

  /** Audit notices and observations waiting, from its /metrics. */
  async backlog(): Promise<{ notices: number; observations: number }> {
    const text = await (await fetch(this.metricsUrl)).text();
    const stage = (name: string) =>
      Number(
        new RegExp(`^sonoran_bot_audit_backlog\\{stage="${name}"\\} (\\d+)`, 'm').exec(text)?.[1] ??
          NaN,
      );
    return { notices: stage('notices'), observations: stage('observations') };
  }

  /** Resolves once the audit backlog is empty (both stages); /metrics has no event to wait for. */
  async backlogEmptied(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const { notices, observations } = await this.backlog();
      if (notices === 0 && observations === 0) return;
      if (performance.now() > deadline)
        throw new Error(`the audit backlog is ${notices} notices, ${observations} observations`);
      await sleep(500);
    }
  }

  /** Log lines at warn and above, of every bot process so far. */
  warnings(): LogLine[] {
    return this.spawned.flatMap((bot) => bot.lines().filter((line) => line.level >= 40));
  }

  /** Every bot process so far, for --log-dir. */
  processes(): readonly NodeProcess[] {
    return this.spawned;
  }
}
