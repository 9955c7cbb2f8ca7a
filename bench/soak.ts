import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { freePort } from '../src/dev/redis-server.js';
import { SANDBOX_GUILD } from '../src/dev/sandbox-guild.js';
import { PUSH_PATH } from '../src/events/cms/push-receiver.js';
import { Interrupted, lifecycle } from '../src/shutdown.js';
import { startWorld } from './process-world.js';
import { SoakBot } from './soak-bot.js';
import { AccountChanges, addRenamedAccounts } from './soak-changes.js';
import { Gate, Stop } from './soak-control.js';
import { InteractionLog } from './soak-interactions.js';
import { Members } from './soak-members.js';
import { NoticeLedger } from './soak-notices.js';
import { PushEvents } from './soak-push.js';
import { writeSoakLogs } from './soak-logs.js';
import { pacingFigures, printDetails } from './soak-report.js';
import { addStaffTargets, StaffActions } from './soak-staff.js';
import { WorkerChurn } from './soak-workers.js';

const USAGE = `npm run bench:soak -- [--minutes 4] [--window-ms 4000] [--push-per-second 5] [--invalid-share 0.1] [--think-ms 2000] [--staff-every-s 12] [--change-every-s 3] [--worker-kill-every-s 40] [--workers 2] [--bot-restart-at 0.25] [--drain-timeout-s 240] [--seed 1] [--log-dir <dir>]

Mixed load on the real bot for --minutes, with the CMS's minute compressed to --window-ms (and
the reconciler's interval, the job locks and a 429's block with it), so 60 windows make a CMS
hour. It starts its own redis-server (append-only, fsync always), the CMS emulator, the Discord
emulator, the bot (npm start) and --workers worker processes (npm run worker), then keeps up,
all at once: the guild's members running /clockin, /whitelist check, autocomplete and /botstatus
(a pause of about --think-ms between a member's answer and their next command); a staff member
banning or kicking a member every --staff-every-s, through the confirmation; push events from a
sender process (--push-per-second valid, --invalid-share of all requests invalid); an account
renamed in the CMS every --change-every-s (in turn in the web panel, which pushes, and silently,
which only the reconciler finds); a worker killed with SIGKILL and replaced every
--worker-kill-every-s; and the bot itself restarted (SIGTERM, then a new process) once, at
--bot-restart-at of the run (0: never). Then it waits (at most --drain-timeout-s) for every
notice, two more reconciliation passes and an empty audit backlog, and counts: interactions
answered, notices lost or posted twice, the emulator's pacing verdict, the bot's memory. The
last line printed is one JSON object; the exit code is 1 when anything was lost, duplicated,
unanswered or over a limit. --log-dir writes each bot and worker process's log there, with the channels' messages and the
CMS's clock rows (channels.json).`;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '4' },
    'window-ms': { type: 'string', default: '4000' },
    'push-per-second': { type: 'string', default: '5' },
    'invalid-share': { type: 'string', default: '0.1' },
    'think-ms': { type: 'string', default: '2000' },
    'staff-every-s': { type: 'string', default: '12' },
    'change-every-s': { type: 'string', default: '3' },
    'worker-kill-every-s': { type: 'string', default: '40' },
    workers: { type: 'string', default: '2' },
    'bot-restart-at': { type: 'string', default: '0.25' },
    'drain-timeout-s': { type: 'string', default: '240' },
    seed: { type: 'string', default: '1' },
    'log-dir': { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const minutes = Number(values.minutes);
const windowMs = Number(values['window-ms']);
const pushPerSecond = Number(values['push-per-second']);
const invalidShare = Number(values['invalid-share']);
const thinkMs = Number(values['think-ms']);
const staffEveryMs = Number(values['staff-every-s']) * 1000;
const changeEveryMs = Number(values['change-every-s']) * 1000;
const workerKillEveryMs = Number(values['worker-kill-every-s']) * 1000;
const workers = Number(values.workers);
const botRestartAt = Number(values['bot-restart-at']);
const drainTimeoutMs = Number(values['drain-timeout-s']) * 1000;
const seed = Number(values.seed);
if (
  ![minutes, windowMs, pushPerSecond, thinkMs, staffEveryMs, changeEveryMs].every((n) => n > 0) ||
  ![workerKillEveryMs, drainTimeoutMs, workers, seed].every((n) => Number.isInteger(n) && n > 0) ||
  !(invalidShare >= 0 && invalidShare < 1) ||
  !(botRestartAt >= 0 && botRestartAt < 1)
) {
  console.error(`--minutes, --window-ms, --push-per-second, --think-ms and the --…-s flags take positive numbers,
--workers and --seed whole positive numbers, --invalid-share and --bot-restart-at a number in [0, 1)\n\n${USAGE}`);
  process.exit(2);
}

const runMs = minutes * 60_000;
/** Production's minute over the compressed window: how much faster CMS time runs. */
const compression = 60_000 / windowMs;
const compressed = (productionMs: number) =>
  String(Math.max(1, Math.round(productionMs / compression)));
const { channels, roles } = SANDBOX_GUILD;
/** Accounts the soak renames in turn: enough that one is always free while notices are due. */
const RENAMED_ACCOUNTS = 16;

const seconds = (ms: number) => `${(ms / 1000).toFixed(0)} s`;

async function main(): Promise<number> {
  const life = lifecycle({
    onStepError: (error) => console.error(`a part did not stop cleanly: ${String(error)}`),
  });
  try {
    const [pushPort, opsPort] = [await freePort(), await freePort()];
    const pushUrl = `http://127.0.0.1:${pushPort}${PUSH_PATH}`;
    const world = await life.start(
      startWorld({
        redis: { persist: true },
        // A 429 blocks the key for a compressed hour, as production blocks it for an hour.
        cms: { windowMs, blockSeconds: 3600 / compression, pushUrl },
        env: {
          CMS_TIMEOUT_MS: '5000',
          CMS_JOB_LOCK_MS: compressed(30_000),
          RECONCILE_EVERY: compressed(5 * 60_000),
          SHIFT_LOG_CHANNEL_ID: channels.shifts,
          ON_DUTY_ROLE_ID: roles.onDuty,
        },
      }),
      (w) => w.stop(),
    );
    const { cms, discord } = world;
    // Before the bot starts: the reconciler's first pass records these accounts.
    const targets = addStaffTargets(discord, cms, Math.ceil(runMs / staffEveryMs) + 1);
    const renamed = addRenamedAccounts(cms, RENAMED_ACCOUNTS);
    const ledger = new NoticeLedger(discord, [channels.audit, channels.shifts]);
    life.add(async () => ledger.stop());

    const gate = new Gate();
    const stop = new Stop();
    const interactions = new InteractionLog(180_000);
    const churn = new WorkerChurn(world, stop, workerKillEveryMs);
    const bot = new SoakBot(
      world,
      {
        PUSH_PORT: String(pushPort),
        PUSH_HOST: '127.0.0.1',
        // Every sender is 127.0.0.1 here: the flood limit must let the whole soak through.
        PUSH_RATE_LIMIT_PER_MINUTE: '1000000',
        OPS_PORT: String(opsPort),
      },
      `http://127.0.0.1:${opsPort}/metrics`,
    );
    await life.wait(Promise.all([churn.start(workers), bot.start()]));
    const members = new Members({ discord, interactions, ledger, gate, stop, thinkMs, seed });
    const staff = new StaffActions({
      discord,
      interactions,
      ledger,
      gate,
      stop,
      everyMs: staffEveryMs,
      targets,
    });
    const push = new PushEvents({
      url: pushUrl,
      apiKey: cms.apiKey,
      ledger,
      gate,
      stop,
      perSecond: pushPerSecond,
      invalidShare,
    });
    life.add(async () => push.close());
    const changes = new AccountChanges({
      cms,
      ledger,
      stop,
      everyMs: changeEveryMs,
      accounts: renamed,
    });

    // Warm-up: the reconciler's first pass, and a command from each member.
    await life.wait(bot.firstPass(90_000));
    await life.wait(members.warmUp());
    const rss = {
      start: bot.rssKb(),
      beforeRestart: null as number | null,
      afterRestart: null as number | null,
      end: null as number | null,
      peak: 0,
    };
    const sampleRss = setInterval(() => (rss.peak = Math.max(rss.peak, bot.rssKb() ?? 0)), 1_000);
    life.add(async () => clearInterval(sampleRss));
    console.log(
      `bench:soak: ${minutes} min with a ${windowMs} ms CMS window (${(runMs / windowMs / 60).toFixed(2)} CMS hours), ` +
        `reconciling every ${compressed(5 * 60_000)} ms, ${workers} workers (one killed every ${seconds(workerKillEveryMs)}), ` +
        `bot restart at ${botRestartAt > 0 ? seconds(botRestartAt * runMs) : 'never'}; bot RSS after warm-up ${rss.start} kB`,
    );

    const startedAt = performance.now();
    const elapsed = () => seconds(performance.now() - startedAt);
    const progress = setInterval(() => {
      const i = interactions.figures();
      const pacing = pacingFigures(cms);
      console.log(
        `[${elapsed()}] interactions ${i.answered}/${i.interactions} answered; push ${push.accepted} accepted; ` +
          `changes ${changes.panelEdits + changes.silentEdits}; cases ${staff.cases.length}; notices missing ${ledger.missing()}; ` +
          `CMS calls ${pacing.cmsCalls}, 429s ${pacing.violations}; worker restarts ${churn.restarts}; bot RSS ${bot.rssKb()} kB`,
      );
    }, 30_000);
    life.add(async () => clearInterval(progress));

    const restartBot = async () => {
      if (botRestartAt === 0) return;
      await stop.pause(botRestartAt * runMs);
      if (stop.stopped) return;
      gate.close();
      rss.beforeRestart = bot.rssKb();
      console.log(
        `[${elapsed()}] restarting the bot (SIGTERM; new dispatches wait until it is back)`,
      );
      await bot.restart();
      await members.warmUp();
      rss.afterRestart = bot.rssKb();
      console.log(`[${elapsed()}] bot restarted; RSS after warm-up ${rss.afterRestart} kB`);
      gate.open();
    };
    const load = Promise.all([
      members.run(),
      staff.run(),
      push.run(),
      changes.run(),
      churn.run(),
      restartBot(),
    ]);
    await life.wait(sleep(runMs));
    stop.stop();
    await life.wait(load);
    const loadEndedAt = performance.now();
    console.log(`[${elapsed()}] load stopped; waiting for every notice`);

    // Drain: every expected notice, then two more passes (one wholly after) and an empty backlog,
    // so a notice posted twice late is still counted.
    let drained = await life.wait(ledger.until(drainTimeoutMs));
    const drainLeftMs = () => Math.max(1, drainTimeoutMs - (performance.now() - loadEndedAt));
    try {
      await life.wait(bot.passes(2, drainLeftMs()));
      await life.wait(bot.backlogEmptied(drainLeftMs()));
    } catch (error) {
      if (error instanceof Interrupted) throw error;
      drained = false;
      console.log(`drain: ${String(error).split('\n')[0]}`);
    }
    const drainSeconds = (performance.now() - loadEndedAt) / 1000;
    rss.end = bot.rssKb();
    clearInterval(sampleRss);
    if (values['log-dir'])
      writeSoakLogs(values['log-dir'], [...bot.processes(), ...churn.processes()], world);

    const i = interactions.figures();
    const notices = ledger.figures();
    const pacing = pacingFigures(cms);
    const unsettled = staff.unsettled();
    const botWarnings = bot.warnings();
    const workerWarnings = churn.warnings();
    printDetails({
      cms,
      interactions,
      notices,
      unsettled,
      push,
      notDelivered: members.notDelivered + staff.notDelivered,
      botWarnings,
      workerWarnings,
    });
    if (!drained) console.log(`not drained within ${seconds(drainTimeoutMs)}`);

    const failed =
      notices.lost > 0 ||
      notices.duplicates > 0 ||
      pacing.violations > 0 ||
      pacing.overLimit.length > 0 ||
      i.unanswered > 0 ||
      !drained;
    console.log(
      JSON.stringify({
        minutes,
        windowMs,
        compressedHours: Math.round((runMs / windowMs / 60) * 100) / 100,
        commands: i.interactions,
        answered: i.answered,
        unanswered: i.unanswered,
        errorAnswers: i.errorAnswers,
        tryAgainAnswers: i.tryAgainAnswers,
        answeredP99Ms: i.answeredP99Ms,
        cmsCalls: pacing.cmsCalls,
        pushEvents: push.accepted,
        pushRefused: push.refused,
        accountChanges: changes.panelEdits + changes.silentEdits,
        staffCases: staff.cases.length,
        unsettledCases: unsettled.length,
        shiftLines: notices.byKind.shift.expected,
        noticesExpected: notices.expected,
        noticesDelivered: notices.delivered,
        lost: notices.lost,
        duplicates: notices.duplicates,
        unexpectedNotices: notices.unexpected.length,
        violations: pacing.violations,
        overLimitBudgets: pacing.overLimit.length,
        discord429: discord.rateLimitedCount,
        workerRestarts: churn.restarts,
        botRestarts: bot.restarts,
        rssStartKb: rss.start,
        rssBeforeRestartKb: rss.beforeRestart,
        rssAfterRestartKb: rss.afterRestart,
        rssEndKb: rss.end,
        rssPeakKb: rss.peak,
        botWarnings: botWarnings.length,
        workerWarnings: workerWarnings.length,
        drained,
        drainSeconds: Math.round(drainSeconds),
      }),
    );
    return failed ? 1 : 0;
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
