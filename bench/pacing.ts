import { fork, spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import {
  budgetName,
  getOperation,
  limitPerMinute,
  type OperationName,
} from '../src/cms/catalog/index.js';
import { CmsClient } from '../src/cms/client.js';
import { SANDBOX_API_KEY, SANDBOX_COMMUNITY_ID } from '../src/cms/emulator/seed.js';
import type { OperationStats } from '../src/cms/emulator/rate-limiter.js';
import { loadConfig } from '../src/config.js';
import { startLocalRedis } from '../src/dev/redis-server.js';
import { createLogger } from '../src/logger.js';
import { pacingSettings, QueueKeys, startCmsQueue, type CmsQueue } from '../src/queue/index.js';
import { PacingGate } from '../src/queue/pacing-gate.js';
import { IDLE, SATURATED, type DispatchRecord, type FromWorkerProcess } from './pacing-plan.js';

const USAGE = `npm run bench:pacing -- [--processes 3] [--window-ms 6000] [--seconds 30] [--cms-url <url>] [--trace-slow <ms>]

Saturates ${SATURATED.length} CMS operations with mixed priorities from several worker processes
sharing one Redis, times calls to ${IDLE.length} idle operations against direct client calls, and
judges the pacing by the emulator's own counts. The last line printed is one JSON object.
With --cms-url it uses an emulator already running with that --window-ms and its default
credentials (its rate-limit counters are reset first), instead of starting its own.
--trace-slow prints each idle call slower than that, split into enqueue, wait and send.`;

const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: '3' },
    'window-ms': { type: 'string', default: '6000' },
    seconds: { type: 'string', default: '30' },
    'cms-url': { type: 'string' },
    'trace-slow': { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const processes = Number(values.processes);
const windowMs = Number(values['window-ms']);
const seconds = Number(values.seconds);
const traceSlowMs = values['trace-slow'] === undefined ? null : Number(values['trace-slow']);
if (![processes, windowMs, seconds].every((n) => Number.isInteger(n) && n > 0)) {
  console.error(`--processes, --window-ms and --seconds take whole positive numbers\n\n${USAGE}`);
  process.exit(2);
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
};
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startEmulatorProcess(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cms/emulator/cli.ts', '--port', '0', '--window-ms', String(windowMs)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code}): ${output}`)));
  });
  return { url, child };
}

/** Time-averaged share of the window in use: at each instant, sends in the trailing window / limit. */
function utilization(sendTimes: number[], limit: number, from: number, to: number): number {
  const times = [...sendTimes].sort((a, b) => a - b);
  let sum = 0;
  let samples = 0;
  let left = 0;
  let right = 0;
  for (let t = from; t < to; t += 5) {
    while (right < times.length && times[right]! <= t) right += 1;
    while (left < right && times[left]! <= t - windowMs) left += 1;
    sum += Math.min(1, (right - left) / limit);
    samples += 1;
  }
  return samples === 0 ? NaN : sum / samples;
}

function fifoInversions(records: DispatchRecord[]): number {
  const byQueue = new Map<string, DispatchRecord[]>();
  for (const record of records) {
    if (record.dispatchedAt === null) continue;
    // One queue per operation holds both priorities: interactive jobs overtake background ones
    // by design, so order is judged within each (operation, priority).
    const key = `${record.queue} ${record.priority}`;
    byQueue.set(key, [...(byQueue.get(key) ?? []), record]);
  }
  let inversions = 0;
  for (const list of byQueue.values()) {
    list.sort((a, b) => a.jobId - b.jobId);
    for (let i = 1; i < list.length; i += 1)
      if (list[i]!.dispatchedAt! < list[i - 1]!.dispatchedAt!) inversions += 1;
  }
  return inversions;
}

/**
 * Head-of-line blocking by a failing job: the CMS answers one call of an operation 503, and a
 * healthy call of the same operation submitted right behind it is timed until its result.
 * The failing call's retry waits out its backoff; the healthy call should not.
 */
async function healthyCallBehindFailingOne(queue: CmsQueue, emulatorUrl: string): Promise<number> {
  const operation = 'getCommunity';
  const faults = { errorCount: 1, errorStatus: 503, operations: [operation] };
  await fetch(`${emulatorUrl}/__emulator/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  const failing = await queue.submit(operation, {}, { estimate: false });
  const started = performance.now();
  const healthy = await queue.submit(operation, {}, { estimate: false });
  await healthy.result;
  const healthyMs = performance.now() - started;
  await failing.result;
  await fetch(`${emulatorUrl}/__emulator/faults`, { method: 'DELETE' });
  return healthyMs;
}

async function main(): Promise<void> {
  const redis = await startLocalRedis({ persist: false });
  const emulator = values['cms-url']
    ? { url: values['cms-url'].replace(/\/+$/, ''), child: null }
    : await startEmulatorProcess();
  const children: ChildProcess[] = [];
  // Interrupted: leave no Redis, emulator or worker process behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of children) child.kill('SIGKILL');
      emulator.child?.kill('SIGTERM');
      void redis.stop().finally(() => process.exit(130));
    });
  }
  await fetch(`${emulator.url}/__emulator/stats/reset`, { method: 'POST' });

  const env = {
    SANDBOX: 'true',
    LOG_LEVEL: 'warn',
    REDIS_URL: redis.url,
    CMS_API_URL: emulator.url,
    CMS_API_KEY: SANDBOX_API_KEY,
    CMS_COMMUNITY_ID: SANDBOX_COMMUNITY_ID,
    CMS_RATE_WINDOW_MS: String(windowMs),
  };
  const config = loadConfig(env);
  const logger = createLogger({ level: 'warn', name: 'bench', secrets: config.secrets });

  console.log(
    `pacing benchmark: ${processes} worker process(es), ${windowMs} ms window (margin ${config.pacing.marginMs} ms), ${seconds} s`,
  );
  children.push(
    ...(await Promise.all(
      Array.from({ length: processes }, async () => {
        const child = fork('bench/pacing-process.ts', [], {
          execArgv: ['--import', 'tsx'],
          env: { ...process.env, ...env },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        await new Promise<void>((resolve, reject) => {
          child.once('message', (message: FromWorkerProcess) =>
            message.type === 'ready' ? resolve() : reject(new Error('unexpected message')),
          );
          child.once('exit', (code) =>
            reject(new Error(`a worker process exited early (${code})`)),
          );
        });
        return child;
      }),
    )),
  );

  // The parent only submits: its idle calls are sent by the worker processes.
  const { queue, close: closeQueue } = await startCmsQueue(config, logger);
  const gateConnection = new Redis(redis.url);
  const gate = new PacingGate(
    gateConnection,
    new QueueKeys(config.cms.communityId, config.cms.apiKey),
    pacingSettings(config),
  );
  const client = new CmsClient(config.cms);

  const loaded = children.map(
    (child) =>
      new Promise<{ jobs: number; ms: number }>((resolve) =>
        child.on('message', (m: FromWorkerProcess) => m.type === 'loaded' && resolve(m)),
      ),
  );
  for (const child of children) child.send({ type: 'go', seconds, windowMs, processes });
  // Idle calls are timed once the backlog is in Redis, while the saturated operations stay saturated.
  const backlog = await Promise.all(loaded);
  console.log(
    `backlog: ${backlog.reduce((sum, b) => sum + b.jobs, 0)} jobs submitted in ${Math.max(...backlog.map((b) => b.ms))} ms`,
  );
  const startedAt = Date.now();

  const direct: number[] = [];
  const queued: number[] = [];
  const idleLoops = IDLE.map(async (operation: OperationName, index) => {
    const input = getOperation(operation).example as never;
    // Two calls a round at 80% of the budget: idle, never saturated.
    const roundMs = (2 * (windowMs + config.pacing.marginMs)) / limitPerMinute(operation) / 0.8;
    await sleep((roundMs * index) / IDLE.length);
    // One untimed round first: the first use of a script or queue is a one-off cost per process.
    let warm = false;
    while (Date.now() - startedAt < seconds * 1000) {
      const roundStart = Date.now();
      // A direct call takes its slot first (untimed), so it never breaks the limit either.
      const sendId = `bench-direct:${performance.now()}:${Math.random()}`;
      for (;;) {
        const slot = await gate.acquire({ operation, priority: 'interactive', sendId });
        if (slot.status === 'granted') break;
        await sleep(slot.status === 'wait' ? slot.waitMs : 10);
      }
      let t = performance.now();
      await client.call(operation, input);
      const directMs = performance.now() - t;
      await gate.logAnswer(operation, 'interactive', sendId);
      t = performance.now();
      const submittedAt = Date.now();
      const ticket = await queue.submit(operation, input, { estimate: false });
      const enqueuedMs = performance.now() - t;
      const { meta } = await ticket.result;
      const queuedMs = performance.now() - t;
      if (traceSlowMs !== null && queuedMs > traceSlowMs) {
        const waitMs = meta.dispatchedAt! - submittedAt;
        console.log(
          `slow idle call ${operation}: ${queuedMs.toFixed(1)} ms = enqueue ${enqueuedMs.toFixed(1)}, until sent ${waitMs.toFixed(1)}, after ${(queuedMs - waitMs).toFixed(1)} (+${Date.now() - startedAt} ms)`,
        );
      }
      if (warm) {
        direct.push(directMs);
        queued.push(queuedMs);
      }
      warm = true;
      await sleep(Math.max(0, roundMs - (Date.now() - roundStart)));
    }
  });
  await Promise.all(idleLoops);
  const endedAt = Date.now();
  const healthyBehindFailingMs = await healthyCallBehindFailingOne(queue, emulator.url);

  const records: DispatchRecord[] = [];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('message', (message: FromWorkerProcess) => {
            if (message.type === 'records') records.push(...message.records);
          });
          child.once('exit', () => resolve());
          child.send({ type: 'stop' });
        }),
    ),
  );

  const stats = (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as {
    operations: OperationStats[];
  };
  const violations = stats.operations.reduce((sum, row) => sum + row.rateLimited, 0);
  const overLimit = stats.operations.filter((row) => row.maxInWindow > row.limit);

  // Redis time of the run: the first dispatch marks its start.
  const sent = records.filter((r) => r.dispatchedAt !== null);
  if (sent.length === 0) throw new Error('no dispatch records came back from the worker processes');
  const runStart = Math.min(...sent.map((r) => r.dispatchedAt!));
  const runEnd = runStart + (endedAt - startedAt);
  // A v1 operation and its v2 twin spend one budget: utilization is judged per budget.
  const budgets = [...new Set(SATURATED.map(budgetName))];
  console.log('\nbudget                   limit  sends  429s  max/window  utilization');
  const utilizations: number[] = [];
  for (const budget of budgets) {
    const limit = limitPerMinute(budget);
    const times = sent
      .filter((r) => budgetName(r.operation) === budget)
      .map((r) => r.dispatchedAt!);
    // Skip the first window (it starts empty) and the last (the load stops mid-window).
    const share = utilization(times, limit, runStart + windowMs, runEnd - windowMs);
    utilizations.push(share);
    const row = stats.operations.find((s) => s.operation === budget);
    console.log(
      `${budget.padEnd(24)} ${String(limit).padStart(5)} ${String(row?.requests ?? 0).padStart(6)} ${String(row?.rateLimited ?? 0).padStart(5)} ${String(row?.maxInWindow ?? 0).padStart(11)} ${share.toFixed(3).padStart(12)}`,
    );
  }
  const failures = records.filter((r) => !r.ok);
  const summary = {
    violations,
    overLimitWindows: overLimit.length,
    utilization: round(Math.min(...utilizations), 3),
    utilizationMean: round(utilizations.reduce((a, b) => a + b, 0) / utilizations.length, 3),
    fifoInversions: fifoInversions(records),
    idleOpLatencyMsP50: round(percentile(queued, 0.5)),
    idleOpLatencyMsP99: round(percentile(queued, 0.99)),
    directCallMsP50: round(percentile(direct, 0.5)),
    directCallMsP99: round(percentile(direct, 0.99)),
    overheadMsP50: round(percentile(queued, 0.5) - percentile(direct, 0.5)),
    overheadMsP99: round(percentile(queued, 0.99) - percentile(direct, 0.99)),
    healthyBehindFailingMs: round(healthyBehindFailingMs),
    idleSamples: queued.length,
    saturatedSends: sent.length,
    failedJobs: failures.length,
    processes,
    windowMs,
    seconds,
  };
  console.log(
    `\nidle operations: ${queued.length} queued and ${direct.length} direct calls; failed jobs: ${failures.length}${failures[0] ? ` (first: ${failures[0].error})` : ''}`,
  );
  console.log(JSON.stringify(summary));

  await closeQueue();
  gateConnection.disconnect();
  emulator.child?.kill('SIGTERM');
  await redis.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
