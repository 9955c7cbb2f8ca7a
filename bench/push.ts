import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { SANDBOX_GUILD } from '../src/dev/sandbox-guild.js';
import { Interrupted, lifecycle, type Lifecycle } from '../src/shutdown.js';
import { redisCpuSeconds } from './push-cpu.js';
import { startLoadGenerator, type LoadGenerator, type LoadResult } from './push-load.js';
import { NoticeWatcher } from './push-notices.js';
import { plan, type PlannedRequest } from './push-plan.js';
import { startCpuProfile } from './push-profile.js';
import {
  acceptFiguresOf,
  answersOf,
  deliveryFiguresOf,
  type Answers,
  type DeliveryFigures,
} from './push-report.js';
import { startPushWorld, startReceiverOnly, type PushWorld } from './push-world.js';

const USAGE = `npm run bench:push -- [--events 5000] [--concurrency 32] [--invalid-share 0.1] [--warmup 2000] [--delivery-timeout-s 300] [--persist] [--receiver-only] [--cpu-profile <file>]

Runs the bot (startBot, in this process) with its push receiver, between the Discord emulator
(channel messages limited to 50 a second) and the CMS emulator, on a Redis of its own. A child
process POSTs --events valid push events (first sightings, bans and kicks of distinct accounts:
one audit notice each) and invalid ones (--invalid-share of all requests: a wrong key, broken
JSON, an unknown type, a missing field) with --concurrency requests in flight on keep-alive
connections, then waits until every accepted event's notice is in the audit channel. --warmup
events go first, untimed. --persist gives Redis append-only persistence with fsync on every
write (as docker-compose.yml runs it). --receiver-only runs the receiver and the intake's store
alone (no bot, nothing delivered): what accepting costs by itself. --cpu-profile writes a V8
CPU profile of this process during the accepts. The last line printed is one JSON object.`;

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '32' },
    'invalid-share': { type: 'string', default: '0.1' },
    warmup: { type: 'string', default: '2000' },
    'delivery-timeout-s': { type: 'string', default: '300' },
    persist: { type: 'boolean', default: false },
    'receiver-only': { type: 'boolean', default: false },
    'cpu-profile': { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const events = Number(values.events);
const concurrency = Number(values.concurrency);
const invalidShare = Number(values['invalid-share']);
const warmup = Number(values.warmup);
const deliveryTimeoutMs = Number(values['delivery-timeout-s']) * 1000;
if (
  ![events, concurrency, deliveryTimeoutMs].every((n) => Number.isInteger(n) && n > 0) ||
  !Number.isInteger(warmup) ||
  warmup < 0 ||
  !(invalidShare >= 0 && invalidShare < 1)
) {
  console.error(`--events, --concurrency and --delivery-timeout-s take whole positive numbers,
--warmup a whole number, --invalid-share a number in [0, 1)\n\n${USAGE}`);
  process.exit(2);
}

const fixed = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const round = (n: number, digits = 2) =>
  Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null;

/** Untimed events of their own first, so the run starts on warm code paths in every process. */
async function warmUp(world: PushWorld, load: LoadGenerator): Promise<void> {
  if (warmup === 0) return;
  const watcher = world.discord
    ? new NoticeWatcher(world.discord, SANDBOX_GUILD.channels.audit, 'warmup')
    : null;
  try {
    const bodies = plan(warmup, invalidShare, world.apiKey, 'warmup').map((r) => r.body);
    const result = await load.send({ url: world.url, bodies, concurrency });
    await watcher?.until(result.status.filter((s) => s === 200).length, deliveryTimeoutMs);
  } finally {
    watcher?.stop();
  }
}

interface Accepts {
  result: LoadResult;
  /** CPU time of this process (the bot, the emulators) while the requests were sent (s). */
  processCpuSeconds: number;
  redisCpuSeconds: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Observations the intake still had waiting when the last answer came. */
  backlog: number;
}

/** Sends the requests and measures this process, Redis and the event loop meanwhile. */
async function sendMeasured(
  life: Lifecycle,
  world: PushWorld,
  load: LoadGenerator,
  requests: PlannedRequest[],
): Promise<Accepts> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  let stopProfile: ((file: string) => Promise<void>) | undefined;
  let cpuBefore = process.cpuUsage();
  let redisBefore = 0;
  const input = { url: world.url, bodies: requests.map((r) => r.body), concurrency };
  const result = await life.wait(
    load.send(input, async () => {
      if (values['cpu-profile']) stopProfile = await startCpuProfile();
      redisBefore = await redisCpuSeconds(world.redis);
      loop.enable();
      cpuBefore = process.cpuUsage();
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  loop.disable();
  await stopProfile?.(values['cpu-profile']!);
  const intake = new Queue('cms-intake', { connection: world.redis, prefix: world.namespace });
  const backlog = await intake.getWaitingCount();
  await intake.close();
  return {
    result,
    processCpuSeconds: (cpu.user + cpu.system) / 1e6,
    redisCpuSeconds: (await redisCpuSeconds(world.redis)) - redisBefore,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    loopDelayMaxMs: loop.max / 1e6,
    backlog,
  };
}

interface Delivery extends DeliveryFigures {
  timedOut: boolean;
  /** This process's CPU per notice while the backlog was delivered (µs). */
  cpuPerNoticeUs: number;
}

async function awaitDelivery(
  life: Lifecycle,
  watcher: NoticeWatcher,
  answers: Answers,
  backlog: number,
): Promise<Delivery> {
  const cpuBefore = process.cpuUsage();
  let timedOut = false;
  try {
    await life.wait(watcher.until(answers.accepted.size, deliveryTimeoutMs));
  } catch (error) {
    if (error instanceof Interrupted) throw error;
    timedOut = true;
    console.log(String(error));
  }
  watcher.stop();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    ...deliveryFiguresOf(answers, watcher),
    timedOut,
    cpuPerNoticeUs: (cpu.user + cpu.system) / Math.max(1, backlog),
  };
}

function printAccepts(world: PushWorld, requests: PlannedRequest[], accepts: Accepts): void {
  const answers = answersOf(requests, accepts.result);
  const figures = acceptFiguresOf(answers);
  const seconds = (answers.lastAcceptedAt - answers.firstSentAt) / 1000;
  const cores = (cpuSeconds: number) => fixed(cpuSeconds / seconds);
  const { result } = accepts;
  const ours = accepts.processCpuSeconds + result.cpuMs / 1000 + accepts.redisCpuSeconds;
  const others =
    result.machineBusySeconds === null
      ? ''
      : `, other processes ${cores(Math.max(0, result.machineBusySeconds - ours))} (of ${os.availableParallelism()})`;
  console.log(
    `accepted ${answers.accepted.size} in ${fixed(seconds)} s: ${Math.round(figures.eventsPerSecond)}/s; ` +
      `latency p50 ${fixed(figures.acceptP50Ms)} ms, p99 ${fixed(figures.acceptP99Ms)} ms, max ${fixed(figures.acceptMaxMs)} ms`,
  );
  console.log(
    `rejected ${answers.rejected} (p99 ${fixed(figures.rejectP99Ms)} ms); answers by kind: ` +
      [...answers.byKind.entries()].map(([kind, n]) => `${kind}: ${n}`).join(', '),
  );
  console.log(
    `CPU during the accepts, in cores: ${world.discord ? 'bot and emulators' : 'receiver'} ${cores(accepts.processCpuSeconds)} ` +
      `(${Math.round((accepts.processCpuSeconds * 1e6) / requests.length)} µs a request), load generator ${cores(result.cpuMs / 1000)}, ` +
      `Redis ${cores(accepts.redisCpuSeconds)}${others}; event-loop delay p99 ${fixed(accepts.loopDelayP99Ms)} ms, max ${fixed(accepts.loopDelayMaxMs)} ms`,
  );
}

function printDelivery(world: PushWorld, delivery: Delivery, backlog: number): void {
  console.log(
    `the intake had ${backlog} observations waiting at the last 200; delivering took ` +
      `${Math.round(delivery.cpuPerNoticeUs)} µs of this process's CPU per notice`,
  );
  console.log(
    `delivered ${delivery.delivered} notices in ${delivery.messages} messages ` +
      `(${fixed(delivery.delivered / Math.max(1, delivery.messages))} a message), ${fixed(delivery.deliverySeconds)} s ` +
      `after the first request; Discord 429s ${world.discord!.rateLimitedCount}; order inversions ${delivery.inversions}; ` +
      `bot warnings ${world.warnings.length}`,
  );
}

async function main(): Promise<number> {
  const life = lifecycle({
    onStepError: (error) => console.error(`a part did not stop cleanly: ${String(error)}`),
  });
  try {
    const settings = { persist: values.persist, perMinute: 100 * (events + warmup) };
    const world = values['receiver-only']
      ? await startReceiverOnly(life, settings)
      : await startPushWorld(life, settings);
    const load = await life.start(Promise.resolve(startLoadGenerator()), async (l) => l.stop());
    await life.wait(warmUp(world, load));

    const requests = plan(events, invalidShare, world.apiKey);
    console.log(
      `bench:push: ${events} valid and ${requests.length - events} invalid requests to ${world.url}, ${concurrency} in flight` +
        (world.discord ? '' : ' (receiver only)'),
    );
    const watcher = world.discord
      ? new NoticeWatcher(world.discord, SANDBOX_GUILD.channels.audit, 'bench')
      : null;
    const accepts = await sendMeasured(life, world, load, requests);
    const answers = answersOf(requests, accepts.result);
    const figures = acceptFiguresOf(answers);
    const delivery = watcher ? await awaitDelivery(life, watcher, answers, accepts.backlog) : null;

    printAccepts(world, requests, accepts);
    if (delivery) printDelivery(world, delivery, accepts.backlog);
    for (const line of world.warnings.slice(0, 5)) console.log(`log: ${line}`);
    const discord429 = world.discord?.rateLimitedCount ?? null;
    const maxMessages = Math.ceil(events / 10) + 10;
    const targets: [string, boolean][] = [
      ['>= 5000 accepted/s', figures.eventsPerSecond >= 5_000],
      ['accept p99 <= 15 ms', figures.acceptP99Ms <= 15],
      ...(delivery
        ? ([
            ['all delivered', delivery.delivered === answers.accepted.size],
            ['in order', delivery.inversions === 0],
            [`messages <= ${maxMessages}`, delivery.messages <= maxMessages],
            ['no Discord 429', discord429 === 0],
            ['no duplicate', delivery.duplicates === 0],
          ] as [string, boolean][])
        : []),
    ];
    console.log(
      `targets: ${targets.map(([name, met]) => `${met ? 'met' : 'MISSED'} ${name}`).join('; ')}`,
    );
    console.log(
      JSON.stringify({
        accepted: answers.accepted.size,
        rejected: answers.rejected,
        unexpected: answers.unexpected,
        eventsPerSecond: Math.round(figures.eventsPerSecond),
        acceptP50Ms: round(figures.acceptP50Ms),
        acceptP99Ms: round(figures.acceptP99Ms),
        delivered: delivery?.delivered ?? null,
        messages: delivery?.messages ?? null,
        discord429,
        inOrder: delivery ? delivery.inversions === 0 && !delivery.timedOut : null,
        duplicates: delivery?.duplicates ?? null,
        deliverySeconds: delivery ? round(delivery.deliverySeconds) : null,
        events,
        concurrency,
        persist: values.persist,
        receiverOnly: values['receiver-only'],
      }),
    );
    return delivery?.timedOut || answers.unexpected > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof Interrupted) return 130;
    console.error(error);
    return 1;
  } finally {
    await life.close();
  }
}

process.exitCode = await main();
process.exit();
