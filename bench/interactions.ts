import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startCmsEmulator } from '../src/cms/emulator/server.js';
import { loadConfig } from '../src/config.js';
import {
  startDiscordEmulator,
  type InteractionHandle,
  type InteractionResponseRecord,
} from '../src/dev/discord-emulator/index.js';
import { startLocalRedis } from '../src/dev/redis-server.js';
import { SANDBOX_GUILD, sandboxGuild } from '../src/dev/sandbox-guild.js';
import { deployCommands } from '../src/discord/deploy.js';
import { createLogger } from '../src/logger.js';
import { startCmsQueue, type CmsQueue } from '../src/queue/index.js';
import { Interrupted, lifecycle } from '../src/shutdown.js';
import { startBotProcess } from './interactions-bot.js';
import { BackgroundLoad } from './interactions-load.js';
import { MEMBERS, MIX, OPERATIONS, plan, type Planned } from './interactions-plan.js';

const USAGE = `npm run bench:interactions -- [--interactions 500] [--seconds 30] [--window-ms 6000] [--answer-timeout-s 300] [--no-background]

Runs the bot (src/index.ts, in a child process) between the Discord emulator and the CMS
emulator, with the CMS minute compressed to --window-ms, while this process's own CMS queue keeps
background work on every budget the bot uses. The Discord emulator then dispatches
--interactions interactions (/clockin status, in and out by the guild's linked members, and
autocomplete; ${Object.entries(MIX)
  .map(([kind, share]) => `${Math.round(share * 100)}% ${kind}`)
  .join(', ')}), evenly spread over --seconds,
and waits up to --answer-timeout-s after the last for every final answer. --no-background
leaves the CMS queue to the interactions alone, for comparison. The last line printed is one
JSON object.`;

const { values } = parseArgs({
  options: {
    interactions: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '30' },
    'window-ms': { type: 'string', default: '6000' },
    'answer-timeout-s': { type: 'string', default: '300' },
    'no-background': { type: 'boolean' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const count = Number(values.interactions);
const seconds = Number(values.seconds);
const windowMs = Number(values['window-ms']);
const answerTimeoutMs = Number(values['answer-timeout-s']) * 1000;
if (![count, seconds, windowMs, answerTimeoutMs].every((n) => Number.isInteger(n) && n > 0)) {
  console.error(`every flag takes a whole positive number\n\n${USAGE}`);
  process.exit(2);
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
};
/** Rounded; null when there was nothing to measure (no samples). */
const round = (n: number, digits = 1) =>
  Number.isNaN(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits;

/** A reply that is the result: not "thinking…", not the "⏳ Queued…" notice. */
const isAnswer = (r: InteractionResponseRecord) =>
  r.status < 300 && r.message !== null && !r.message.loading && !r.message.content.startsWith('⏳');
const isQueuedNotice = (r: InteractionResponseRecord) =>
  r.message?.content.startsWith('⏳') ?? false;
const ERROR_TEXT = /went wrong|error id|having trouble|too long|try again/i;

interface Dispatched {
  planned: Planned;
  handle: InteractionHandle;
  budget: BudgetAtDispatch;
  /** Dispatch → the response that made the reply final, or null if none came in time. */
  answer: Promise<InteractionResponseRecord | null>;
}

interface BudgetAtDispatch {
  /**
   * No other member's call of any operation it may use was waiting, and no 429 pause: its
   * calls are next in line, sharing the budget with background work only.
   */
  idle: boolean;
  /** Stricter: each of those budgets also had fewer sends in its window than its limit. */
  freeSlot: boolean;
}

/**
 * The budgets an interaction may draw on, just before its dispatch, as the queue itself counts
 * them (CmsQueue.stats: the queue's own Redis state, one round trip).
 */
async function budgetAtDispatch(queue: CmsQueue, planned: Planned): Promise<BudgetAtDispatch> {
  const operations = OPERATIONS[planned.kind];
  if (operations.length === 0) return { idle: true, freeSlot: true };
  const stats = await queue.stats(operations);
  const rows = stats.operations.filter((row) => row.priority === 'interactive');
  const idle = stats.pausedMs === 0 && rows.every((row) => row.waiting === 0);
  return {
    idle,
    freeSlot: idle && rows.every((row) => row.usedInWindow < row.limit),
  };
}

async function main(): Promise<number> {
  const life = lifecycle({
    onStepError: (error) => console.error(`a part did not stop cleanly: ${String(error)}`),
  });
  try {
    const redis = await life.start(
      startLocalRedis({ persist: false }),
      (r) => r.stop(),
      (r) => r.kill(),
    );
    const cms = await life.start(startCmsEmulator({ port: 0, windowMs }), (c) => c.close());
    const discord = await life.start(startDiscordEmulator({ guilds: [sandboxGuild()] }), (d) =>
      d.close(),
    );
    const env = {
      SANDBOX: '',
      // Info: its "bot ready" line; the few info lines are start and stop.
      LOG_LEVEL: 'info',
      REDIS_URL: redis.url,
      CMS_API_URL: cms.url,
      CMS_API_KEY: cms.apiKey,
      CMS_COMMUNITY_ID: cms.communityId,
      CMS_RATE_WINDOW_MS: String(windowMs),
      CMS_WORKER_OPERATIONS: '',
      DISCORD_TOKEN: discord.token,
      DISCORD_CLIENT_ID: discord.applicationId,
      DISCORD_GUILD_ID: SANDBOX_GUILD.guild,
      AUDIT_CHANNEL_ID: SANDBOX_GUILD.channels.audit,
      DISCORD_API_URL: discord.apiUrl,
      ON_DUTY_ROLE_ID: '',
    };
    // As deploy-commands would: the emulator types each dispatched option by them.
    await deployCommands({
      token: discord.token,
      clientId: discord.applicationId,
      guildId: SANDBOX_GUILD.guild,
      api: discord.apiUrl,
    });
    const bot = await life.start(
      startBotProcess(env),
      (b) => b.stop(),
      (b) => b.child.kill('SIGKILL'),
    );
    const config = loadConfig(env);
    const logger = createLogger({ level: 'warn', name: 'bench', secrets: config.secrets });
    const { queue } = await life.start(startCmsQueue(config, logger), (q) => q.close());
    console.log(
      `interactions benchmark: ${count} interactions over ${seconds} s, ${windowMs} ms CMS window (margin ${config.pacing.marginMs} ms), bot pid ${bot.child.pid}`,
    );

    const slash = (planned: Planned): InteractionHandle => {
      const context = {
        user: planned.user,
        guildId: SANDBOX_GUILD.guild,
        channelId: SANDBOX_GUILD.channels.general,
        name: 'clockin',
      };
      if (planned.kind === 'autocomplete')
        return discord.autocomplete({
          ...context,
          subcommand: 'in',
          options: { type: planned.text ?? '' },
          focused: 'type',
        });
      return discord.slashCommand({
        ...context,
        subcommand: planned.kind,
        ...(planned.kind === 'in' ? { options: { type: planned.text! } } : {}),
      });
    };

    // Untimed warm-up: each member's link and the clock-in types are cached, as in a running bot.
    for (const user of MEMBERS)
      await life.wait(slash({ at: 0, kind: 'status', user }).waitFor(isAnswer, 30_000));

    const background = new BackgroundLoad(queue);
    if (!values['no-background']) {
      life.add(() => background.stop());
      await life.wait(background.start());
      // One whole window of background sends first, so every budget is in use from the start.
      await life.wait(sleep(windowMs + config.pacing.marginMs));
    }

    const dispatched: Dispatched[] = [];
    const startedAt = performance.now();
    for (const planned of plan(count, seconds)) {
      const wait = startedAt + planned.at - performance.now();
      if (wait > 0) await life.wait(sleep(wait));
      const budget = await budgetAtDispatch(queue, planned);
      const handle = slash(planned);
      const answer = handle
        .waitFor(planned.kind === 'autocomplete' ? (r) => r.callbackType === 8 : isAnswer, 1e9)
        .catch(() => null);
      dispatched.push({ planned, handle, budget, answer });
    }
    const dispatchMs = performance.now() - startedAt;
    console.log(
      `dispatched ${dispatched.length} in ${(dispatchMs / 1000).toFixed(1)} s; waiting for the answers`,
    );
    const answers = await life.wait(
      Promise.race([
        Promise.all(dispatched.map((d) => d.answer)),
        sleep(answerTimeoutMs).then(() => null),
      ]),
    );
    const answered = answers ?? dispatched.map((d) => d.handle.responses.find(isAnswer) ?? null);
    const runMs = performance.now() - startedAt;

    await background.stop();
    const rssPeakMb = bot.peakRssMb();
    const rssEndMb = bot.rssMb();
    const botExit = await bot.stop();

    const acks = dispatched
      .map((d) => d.handle.ackLatencyMs)
      .filter((ms): ms is number => ms !== null);
    const finals = answered.filter((r): r is InteractionResponseRecord => r !== null);
    const all = dispatched.map((d, i) => ({ ...d, final: answered[i] ?? null }));
    const commands = all.filter((d) => d.planned.kind !== 'autocomplete');
    const idleSlash = commands.filter((d) => d.budget.idle);
    const freeSlot = commands.filter((d) => d.budget.freeSlot).length;
    const idleFinals = idleSlash
      .map((d) => d.final?.sinceDispatchMs)
      .filter((ms): ms is number => ms !== undefined);
    const commandFinals = commands.filter((d) => d.final).map((d) => d.final!.sinceDispatchMs);
    const errorAnswers = all.filter(
      (d) => d.final?.message && ERROR_TEXT.test(d.final.message.content),
    ).length;
    const queuedNotices = dispatched.filter((d) => d.handle.responses.some(isQueuedNotice)).length;

    const stats = cms.limiter.stats();
    console.log('\nbudget                   limit  requests  429s  max/window');
    for (const row of stats.sort((a, b) => a.operation.localeCompare(b.operation)))
      console.log(
        `${row.operation.padEnd(24)} ${String(row.limit).padStart(5)} ${String(row.requests).padStart(9)} ${String(row.rateLimited).padStart(5)} ${String(row.maxInWindow).padStart(11)}`,
      );
    console.log(
      `\nacknowledged ${acks.length}/${dispatched.length}; answered ${finals.length} (${queuedNotices} saw the queued notice first, ${errorAnswers} error answers); ` +
        `${idleSlash.length} of ${commands.length} commands dispatched with no other member's call waiting (${freeSlot} with a free slot too); background calls sent ${background.sent}; bot exit ${botExit}; ${discord.internalErrors.length} emulator errors`,
    );
    for (const line of bot.warnings().slice(0, 5)) console.log(`bot: ${line}`);
    console.log(
      JSON.stringify({
        interactions: dispatched.length,
        acknowledged: acks.length,
        acknowledgedP50Ms: round(percentile(acks, 0.5)),
        acknowledgedP99Ms: round(percentile(acks, 0.99)),
        answered: finals.length,
        answeredP50Ms: round(percentile(commandFinals, 0.5)),
        answeredP99Ms: round(percentile(commandFinals, 0.99)),
        answeredIdle: idleFinals.length,
        answeredIdleP50Ms: round(percentile(idleFinals, 0.5)),
        answeredIdleP99Ms: round(percentile(idleFinals, 0.99)),
        freeSlotAtDispatch: freeSlot,
        queuedNotices,
        errorAnswers,
        cms429: stats.reduce((sum, row) => sum + row.rateLimited, 0),
        backgroundSent: background.sent,
        rssMb: round(rssPeakMb),
        rssEndMb: round(rssEndMb),
        botWarnings: bot.warnings().length,
        windowMs,
        seconds,
        background: !values['no-background'],
        runSeconds: round(runMs / 1000),
      }),
    );
    return 0;
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
