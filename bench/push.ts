import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { SANDBOX_GUILD } from '../src/dev/sandbox-guild.js';
import { Interrupted, lifecycle } from '../src/shutdown.js';
import { redisCpuSeconds } from './push-cpu.js';
import { startLoadGenerator, type LoadGenerator } from './push-load.js';
import { NoticeWatcher } from './push-notices.js';
import { plan } from './push-plan.js';
import { startCpuProfile } from './push-profile.js';
import { answersOf, figuresOf } from './push-report.js';
import { startPushWorld, type PushWorld } from './push-world.js';

const USAGE = `npm run bench:push -- [--events 5000] [--concurrency 32] [--invalid-share 0.1] [--warmup 2000] [--delivery-timeout-s 300] [--persist] [--cpu-profile <file>]

Runs the bot (startBot, in this process) with its push receiver, between the Discord emulator
(channel messages limited to 50 a second) and the CMS emulator, on a Redis of its own. A child
process POSTs --events valid push events (first sightings, bans and kicks of distinct accounts:
one audit notice each) and invalid ones (--invalid-share of all requests: a wrong key, broken
JSON, an unknown type, a missing field) with --concurrency requests in flight on keep-alive
connections, then waits until every accepted event's notice is in the audit channel. --warmup
events go first, untimed. --persist gives Redis append-only persistence with fsync on every
write (as docker-compose.yml runs it). --cpu-profile writes a V8 CPU profile of this process
(the bot, the emulators) during the accepts. The last line printed is one JSON object.`;

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '32' },
    'invalid-share': { type: 'string', default: '0.1' },
    warmup: { type: 'string', default: '2000' },
    'delivery-timeout-s': { type: 'string', default: '300' },
    persist: { type: 'boolean', default: false },
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
  const watcher = new NoticeWatcher(world.discord, SANDBOX_GUILD.channels.audit, 'warmup');
  try {
    const bodies = plan(warmup, invalidShare, world.cms.apiKey, 'warmup').map((r) => r.body);
    const result = await load.send({ url: world.bot.pushUrl!, bodies, concurrency });
    await watcher.until(result.status.filter((s) => s === 200).length, deliveryTimeoutMs);
  } finally {
    watcher.stop();
  }
}

async function main(): Promise<number> {
  const life = lifecycle({
    onStepError: (error) => console.error(`a part did not stop cleanly: ${String(error)}`),
  });
  try {
    const world = await startPushWorld(life, {
      persist: values.persist,
      perMinute: 100 * (events + warmup),
    });
    const { bot, discord } = world;
    const load = await life.start(Promise.resolve(startLoadGenerator()), async (l) => l.stop());
    await life.wait(warmUp(world, load));

    const requests = plan(events, invalidShare, world.cms.apiKey);
    console.log(
      `bench:push: ${events} valid and ${requests.length - events} invalid requests to ${bot.pushUrl}, ${concurrency} in flight`,
    );
    const watcher = new NoticeWatcher(discord, SANDBOX_GUILD.channels.audit, 'bench');
    const loop = monitorEventLoopDelay({ resolution: 1 });
    let stopProfile: ((file: string) => Promise<void>) | null = null;
    let cpuBefore = process.cpuUsage();
    let redisBefore = 0;
    const result = await life.wait(
      load.send(
        { url: bot.pushUrl!, bodies: requests.map((r) => r.body), concurrency },
        async () => {
          if (values['cpu-profile']) stopProfile = await startCpuProfile();
          redisBefore = await redisCpuSeconds(bot.context.redis);
          loop.enable();
          cpuBefore = process.cpuUsage();
        },
      ),
    );
    const botCpu = process.cpuUsage(cpuBefore);
    loop.disable();
    await (stopProfile as ((file: string) => Promise<void>) | null)?.(values['cpu-profile']!);
    const redisCpu = (await redisCpuSeconds(bot.context.redis)) - redisBefore;
    const intake = new Queue('cms-intake', {
      connection: bot.context.redis,
      prefix: bot.context.namespace,
    });
    const backlog = await intake.getWaitingCount();
    await intake.close();

    const answers = answersOf(requests, result);
    const deliveryCpuBefore = process.cpuUsage();
    let timedOut = false;
    try {
      await life.wait(watcher.until(answers.accepted.size, deliveryTimeoutMs));
    } catch (error) {
      if (error instanceof Interrupted) throw error;
      timedOut = true;
      console.log(String(error));
    }
    watcher.stop();
    const deliveryCpu = process.cpuUsage(deliveryCpuBefore);
    const figures = figuresOf(answers, watcher);

    const seconds = (answers.lastAcceptedAt - answers.firstSentAt) / 1000;
    const cores = (cpuSeconds: number) => fixed(cpuSeconds / seconds);
    const botSeconds = (botCpu.user + botCpu.system) / 1e6;
    const others =
      result.machineBusySeconds === null
        ? ''
        : `, other processes ${cores(Math.max(0, result.machineBusySeconds - botSeconds - result.cpuMs / 1000 - redisCpu))} (of ${os.availableParallelism()})`;
    console.log(
      `accepted ${answers.accepted.size} in ${fixed(seconds)} s: ${Math.round(figures.eventsPerSecond)}/s; ` +
        `latency p50 ${fixed(figures.acceptP50Ms)} ms, p99 ${fixed(figures.acceptP99Ms)} ms, max ${fixed(figures.acceptMaxMs)} ms`,
    );
    console.log(
      `rejected ${answers.rejected} (p99 ${fixed(figures.rejectP99Ms)} ms); answers by kind: ` +
        [...answers.byKind.entries()].map(([kind, n]) => `${kind}: ${n}`).join(', '),
    );
    console.log(
      `CPU during the accepts, in cores: bot and emulators ${cores(botSeconds)} ` +
        `(${Math.round((botSeconds * 1e6) / requests.length)} µs a request), load generator ${cores(result.cpuMs / 1000)}, ` +
        `Redis ${cores(redisCpu)}${others}; bot event-loop delay p99 ${fixed(loop.percentile(99) / 1e6)} ms, max ${fixed(loop.max / 1e6)} ms`,
    );
    console.log(
      `the intake had ${backlog} observations waiting at the last 200; delivering took ` +
        `${Math.round((deliveryCpu.user + deliveryCpu.system) / Math.max(1, backlog))} µs of this process's CPU per notice`,
    );
    console.log(
      `delivered ${figures.delivered} notices in ${figures.messages} messages ` +
        `(${fixed(figures.delivered / Math.max(1, figures.messages))} a message), ${fixed(figures.deliverySeconds)} s ` +
        `after the first request; Discord 429s ${discord.rateLimitedCount}; order inversions ${figures.inversions}; ` +
        `bot warnings ${world.warnings.length}`,
    );
    for (const line of world.warnings.slice(0, 5)) console.log(`bot: ${line}`);
    const targets: [string, boolean][] = [
      ['>= 5000 accepted/s', figures.eventsPerSecond >= 5_000],
      ['accept p99 <= 15 ms', figures.acceptP99Ms <= 15],
      ['all delivered', figures.delivered === answers.accepted.size],
      ['in order', figures.inversions === 0],
      [
        `messages <= ${Math.ceil(events / 10) + 10}`,
        figures.messages <= Math.ceil(events / 10) + 10,
      ],
      ['no Discord 429', discord.rateLimitedCount === 0],
      ['no duplicate', figures.duplicates === 0],
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
        delivered: figures.delivered,
        messages: figures.messages,
        discord429: discord.rateLimitedCount,
        inOrder: figures.inversions === 0 && !timedOut,
        duplicates: figures.duplicates,
        deliverySeconds: round(figures.deliverySeconds),
        events,
        concurrency,
        persist: values.persist,
      }),
    );
    return timedOut || answers.unexpected > 0 ? 1 : 0;
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
