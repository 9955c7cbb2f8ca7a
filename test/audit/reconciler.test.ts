import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import type { APIEmbed } from 'discord.js';
import { clockNews } from '../../src/audit/reconcile-findings.js';
import { reconcileSpacingMs } from '../../src/audit/reconcile-pacing.js';
import { nextInRotation } from '../../src/audit/reconcile-state.js';
import { Reconciler, type PassResult } from '../../src/audit/reconciler.js';
import { shiftEventId } from '../../src/audit/shift-events.js';
import { EXAMPLE } from '../../src/cms/catalog/examples.js';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import type { Account } from '../../src/cms/emulator/community.js';
import { CmsQueue, type Priority } from '../../src/queue/index.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/queue-harness.js';

const { channels, users } = SANDBOX_GUILD;
/** A compressed CMS minute: passes of the ten seeded accounts take a second or two. */
const WINDOW_MS = 2_000;
const RECONCILED = /found by reconciliation/;
const PUSHED = /push event/;

describe('reconciler building blocks', () => {
  it('names a shift line the same way whoever records it', () => {
    assert.equal(shiftEventId('acc-1', 1_700_000_000_000, false), 'shift:acc-1:1700000000000:in');
    assert.equal(shiftEventId('acc-1', 1_700_000_000_000, true), 'shift:acc-1:1700000000000:out');
  });

  it('takes the round-robin on after the cursor, in id order, wrapping once', () => {
    const ids = ['d', 'b', 'a', 'c'];
    assert.deepEqual(nextInRotation(ids, null, 2), ['a', 'b']);
    assert.deepEqual(nextInRotation(ids, 'b', 3), ['c', 'd', 'a']);
    // The cursor's account left the community: the next one after it still comes next.
    assert.deepEqual(nextInRotation(ids, 'bb', 1), ['c']);
    assert.deepEqual(nextInRotation(ids, 'z', 9), ['a', 'b', 'c', 'd']);
  });

  it('finds open clocks started, and closed clocks ended, after the last read', () => {
    const shifts = [
      { type: 'patrol', startedAt: 100, endedAt: 200 },
      { type: 'patrol', startedAt: 300, endedAt: 500 },
      { type: 'patrol', startedAt: 600, endedAt: null },
      { type: 'patrol', startedAt: 350, endedAt: null },
    ];
    assert.deepEqual(clockNews(shifts, 400), [
      { type: 'patrol', startedAt: 300, endedAt: 500 },
      { type: 'patrol', startedAt: 600, endedAt: null },
    ]);
  });

  it("spaces its calls by its share of each operation's limit", () => {
    const pacing = { windowMs: 60_000, marginMs: 1_000, share: 0.5 };
    assert.equal(reconcileSpacingMs('getAccount', pacing), 61_000 / 13.5);
    assert.equal(reconcileSpacingMs('getAccounts', pacing), 61_000 / 11);
  });
});

/** The bot with a reconciler that passes only when a test runs one. */
function startReconcilingBot(push = false): Promise<BotHarness> {
  return startBotHarness({
    push,
    cms: { windowMs: WINDOW_MS },
    env: {
      CMS_RATE_WINDOW_MS: String(WINDOW_MS),
      RECONCILE_EVERY: '1h',
      SHIFT_LOG_CHANNEL_ID: channels.shifts,
    },
    bot: { reconcileOnTimer: false },
  });
}

function embeds(harness: BotHarness, channelId: string = channels.audit): APIEmbed[] {
  return harness.discord.messages(channelId).flatMap((message) => message.embeds);
}

function about(discordId: string) {
  return (embed: APIEmbed) => embed.fields?.some((f) => f.value.includes(`<@${discordId}>`));
}

function changes(embed: APIEmbed): string {
  return embed.fields?.find((f) => f.name === 'What changed')?.value ?? '';
}

async function adminApi(harness: BotHarness, path: string, method: string, body?: unknown) {
  const response = await fetch(`${harness.cms.url}/__emulator${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status}`);
  await fetch(`${harness.cms.url}/__emulator/push/idle`);
}

async function pass(harness: BotHarness): Promise<Extract<PassResult, { status: 'done' }>> {
  const result = await harness.bot.reconciler!.runPass();
  assert.equal(result.status, 'done', `the pass ended ${result.status}`);
  return result as Extract<PassResult, { status: 'done' }>;
}

function pacingOf(harness: BotHarness) {
  const { pacing, discord } = harness.bot.context.config;
  return { windowMs: pacing.windowMs, marginMs: pacing.marginMs, share: discord.reconcile.share };
}

/** Resolves at the pass's first answered read of `operation`. */
function firstRead(reconciler: Reconciler, operation: 'getAccounts' | 'getAccount') {
  return new Promise<void>((resolve) => {
    const listener = (read: { operation: string }) => {
      if (read.operation !== operation) return;
      reconciler.off('read', listener);
      resolve();
    };
    reconciler.on('read', listener);
  });
}

function account(harness: BotHarness, accId: string): Account {
  return harness.cms.community.findAccount({ accId })!;
}

function rankId(harness: BotHarness, label: string): string {
  return harness.cms.community.data.departments
    .flatMap((d) => d.ranks)
    .find((r) => r.label === label)!.id;
}

/**
 * A change only the reconciler can see (made without a push event), a pass, and its notice:
 * the intake handles observations in order, so once it shows, everything before it was handled.
 */
async function sentinel(harness: BotHarness, name: string): Promise<void> {
  account(harness, SANDBOX_MEMBERS.chief).comName = name;
  await pass(harness);
  await waitFor(
    () => embeds(harness).some((e) => changes(e).includes(`-> ${name}`)),
    10_000,
    `the notice of ${name}`,
  );
}

async function departmentsCached(harness: BotHarness): Promise<void> {
  // Notices name ranks from the departments cache: wait until the bot has it.
  await waitFor(
    async () => (await harness.bot.context.cms.community.departments.read()) !== null,
    10_000,
    'departments',
  );
}

describe('the audit reconciler, through the real bot', () => {
  let harness: BotHarness;

  before(async () => {
    harness = await startReconcilingBot();
    await departmentsCached(harness);
  });
  after(() => harness.stop());

  it('records snapshots on its first pass and posts nothing', async () => {
    const first = await pass(harness);
    assert.equal(first.firstPass, true);
    assert.equal(first.accounts, 10);
    assert.equal(first.details, 10);
    await sentinel(harness, 'Jim Carter');
    const { redis, namespace } = harness.bot.context;
    assert.equal(await redis.hlen(`${namespace}:audit:accounts`), 10);
    assert.deepEqual(
      embeds(harness).map((e) => changes(e)),
      ['• name James Carter -> Jim Carter'],
      'only the change made after the first pass',
    );
    assert.match(embeds(harness)[0]!.footer?.text ?? '', RECONCILED);
  });

  it('posts each change made in the CMS panel once, on the next pass', async () => {
    const m = SANDBOX_MEMBERS;
    await adminApi(harness, `/accounts/${m.dispatcher}/ban`, 'POST');
    await adminApi(harness, `/accounts/${m.civilian}/kick`, 'POST');
    await adminApi(harness, `/accounts/${m.example}`, 'PATCH', { comName: 'Alex Example' });
    await adminApi(harness, `/accounts/${m.officer}`, 'PATCH', {
      ranks: [rankId(harness, 'Sergeant')],
    });
    await adminApi(harness, `/accounts/${m.firefighter}`, 'PATCH', {
      ranks: [...account(harness, m.firefighter).ranks, rankId(harness, 'Dispatcher')],
    });
    await adminApi(harness, `/accounts/${m.applicant}`, 'PATCH', { comStatus: true });
    const expected = [
      { who: users.dispatcher, title: 'Account banned' },
      { who: users.civilian, title: 'Account left the community (kicked)' },
      { who: EXAMPLE.discordId, change: 'name ExampleAccount -> Alex Example' },
      { who: users.officer, change: 'rank Officer -> Sergeant' },
      { who: users.firefighter, change: 'department added: Communications (Dispatcher)' },
      { who: '845019283746501928', title: 'Account back in the community' },
    ];
    const shown = (e: APIEmbed, x: (typeof expected)[number]) =>
      about(x.who)(e) && (x.title ? e.title === x.title : changes(e).includes(x.change!));

    await pass(harness);
    await waitFor(
      () => expected.every((x) => embeds(harness).some((e) => shown(e, x))),
      10_000,
      'the six notices',
    );
    // The next pass reads the same accounts again: nothing new.
    await sentinel(harness, 'Jimmy Carter');
    for (const x of expected) {
      const notices = embeds(harness).filter((e) => about(x.who)(e));
      assert.equal(notices.length, 1, `one notice about ${x.who}`);
      assert.ok(shown(notices[0]!, x), `${x.title ?? x.change}: ${JSON.stringify(notices[0])}`);
      assert.match(notices[0]!.footer?.text ?? '', RECONCILED);
    }
  });

  it('posts a clock-in and a clock-out made in the CMS to the shift log once each', async () => {
    const { firefighter } = SANDBOX_MEMBERS;
    const shiftLines = () => embeds(harness, channels.shifts).map((e) => e.description ?? '');
    const row = harness.cms.community.clockIn(firefighter, 'patrol');
    await pass(harness);
    await harness.discord.waitForMessage(channels.shifts, (m) =>
      m.embeds.some((e) => e.description?.includes('clocked in')),
    );
    await pass(harness);
    harness.cms.community.closeOpenClock(firefighter);
    await pass(harness);
    await harness.discord.waitForMessage(channels.shifts, (m) =>
      m.embeds.some((e) => e.description?.includes('clocked out')),
    );
    const lines = shiftLines();
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0]!, new RegExp(`<@${users.firefighter}>.*clocked in: Patrol`));
    assert.match(lines[1]!, new RegExp(`<@${users.firefighter}>.*clocked out: Patrol`));
    assert.ok(lines.every((line) => line.includes('via the CMS (panel or game)')));
    assert.ok(row.endTime, 'the shift was closed');
  });

  it('says once a pass how long it took for the community and how long a detail cycle takes', async () => {
    const passLines = () =>
      harness.logLines().filter((l) => String(l.msg).startsWith('reconciliation pass:'));
    const before = passLines().length;
    const result = await pass(harness);
    const lines = passLines().slice(before);
    assert.equal(lines.length, 1, JSON.stringify(lines));
    const line = lines[0]!;
    assert.equal(line.level, 30);
    assert.match(
      String(line.msg),
      /^reconciliation pass: 10 accounts and 10 account details read in \d+ s; at RECONCILE_SHARE 0\.5 every account's details are read once every 1 h 00 min$/,
    );
    assert.equal(line.durationMs, result.durationMs);
    assert.equal(line.detailCycleMs, 3_600_000);
  });

  it('answers an interactive /clockin status during a pass without queueing it behind the pass', async () => {
    const tickets: { operation: string; priority: Priority; position: number; etaMs: number }[] =
      [];
    const submit = CmsQueue.prototype.submit;
    const spy = mock.method(CmsQueue.prototype, 'submit', async function (
      this: CmsQueue,
      ...args: Parameters<CmsQueue['submit']>
    ) {
      const ticket = await submit.apply(this, args);
      const [operation, , options] = args;
      tickets.push({
        operation,
        priority: options?.priority ?? 'interactive',
        position: ticket.position,
        etaMs: ticket.etaMs,
      });
      return ticket;
    } as CmsQueue['submit']);
    // Slow details keep the pass going while the member asks.
    harness.cms.faults.set({ latencyMs: 300, operations: ['getAccount'] });
    try {
      const reconciler = harness.bot.reconciler!;
      const detailsBegun = firstRead(reconciler, 'getAccount');
      let passOver = false;
      const running = reconciler.runPass().finally(() => (passOver = true));
      await detailsBegun;
      const answer = await harness
        .slash({ user: users.officer, name: 'clockin', subcommand: 'status' })
        .reply((m) => m.embeds.length > 0 || m.content.includes('off duty'));
      assert.equal(passOver, false, 'the member was answered while the pass was under way');
      assert.ok(!answer.content.includes('Queued behind'), answer.content);
      const theirs = tickets.filter((t) => t.priority === 'interactive');
      assert.ok(theirs.length > 0, 'the member went to the CMS');
      for (const ticket of theirs) {
        assert.equal(ticket.position, 0, `${ticket.operation}: nothing ahead of it`);
        assert.ok(
          ticket.etaMs < reconcileSpacingMs('getAccount', pacingOf(harness)),
          `${ticket.operation}: sent at once (ETA ${ticket.etaMs} ms)`,
        );
      }
      assert.ok(tickets.some((t) => t.operation === 'getAccount' && t.priority === 'background'));
      assert.equal((await running).status, 'done');
    } finally {
      harness.cms.faults.clear();
      spy.mock.restore();
    }
  });

  it('stops a pass when the CMS is down, says so once, and the next pass finds what it missed', async () => {
    const reconcilerErrors = () =>
      harness.logLines().filter((l) => l.component === 'reconciler' && l.level === 50);
    const errorsBefore = reconcilerErrors().length;
    account(harness, SANDBOX_MEMBERS.sergeant).comName = 'Maria Reyes-Ortiz';
    harness.cms.faults.set({ errorRate: 1, operations: ['getAccounts'] });
    try {
      assert.equal((await harness.bot.reconciler!.runPass()).status, 'failed');
      assert.equal((await harness.bot.reconciler!.runPass()).status, 'failed');
    } finally {
      harness.cms.faults.clear();
    }
    const errors = reconcilerErrors().slice(errorsBefore);
    assert.equal(errors.length, 1, JSON.stringify(errors.map((l) => l.msg)));
    assert.match(String(errors[0]!.msg), /reconciliation pass stopped/);
    await pass(harness);
    await waitFor(
      () => embeds(harness).some((e) => changes(e).includes('-> Maria Reyes-Ortiz')),
      10_000,
      'the change made during the outage',
    );
    assert.ok(harness.logLines().some((l) => l.msg === 'reconciliation passes complete again'));
  });

  it('lets one of two reconcilers sharing the Redis make a pass at a time', async () => {
    const accepted: string[] = [];
    const { context } = harness.bot;
    const other = new Reconciler({
      redis: context.redis,
      namespace: context.namespace,
      reads: context.cms.accounts,
      intake: {
        accept: async (_observation, dedupKey) => {
          accepted.push(dedupKey);
          return 'stored';
        },
      },
      audit: { record: async () => {} },
      snapshots: { count: async () => 10 },
      clockInTypes: async () => [],
      everyMs: 3_600_000,
      pacing: pacingOf(harness),
      logger: harness.logger,
      maxDetailsPerPass: 3,
    });
    try {
      const results = await Promise.all([harness.bot.reconciler!.runPass(), other.runPass()]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['done', 'locked']);

      // Each pass goes on where the last one stopped, whichever process made it.
      const detailed = async () => {
        const ids: string[] = [];
        const listener = (read: { accId?: string }) => read.accId && ids.push(read.accId);
        other.on('read', listener);
        assert.equal((await other.runPass()).status, 'done');
        other.off('read', listener);
        return ids;
      };
      const cursor = await context.redis.get(`${context.namespace}:audit:reconcile:cursor`);
      const sorted = harness.cms.community.data.accounts.map((a) => a.accId).sort();
      const first = await detailed();
      assert.deepEqual(first, nextInRotation(sorted, cursor, 3));
      assert.deepEqual(await detailed(), nextInRotation(sorted, first.at(-1)!, 3));
      assert.ok(accepted.length > 0);
    } finally {
      await other.close();
    }
  });
});

describe('push events and reconciliation of the same change', () => {
  let harness: BotHarness;

  before(async () => {
    harness = await startReconcilingBot(true);
    await departmentsCached(harness);
    assert.equal((await pass(harness)).firstPass, true);
  });
  after(() => harness.stop());

  it('posts once what a push event brought first: the next pass finds nothing new', async () => {
    const m = SANDBOX_MEMBERS;
    await adminApi(harness, `/accounts/${m.dispatcher}/ban`, 'POST');
    await adminApi(harness, `/accounts/${m.officer}`, 'PATCH', {
      ranks: [rankId(harness, 'Sergeant')],
    });
    await waitFor(
      () =>
        embeds(harness).some(about(users.dispatcher)) &&
        embeds(harness).some((e) => changes(e).includes('rank Officer -> Sergeant')),
      10_000,
      'the pushed notices',
    );
    await sentinel(harness, 'Jim Carter');
    for (const who of [users.dispatcher, users.officer]) {
      const notices = embeds(harness).filter(about(who));
      assert.equal(notices.length, 1, `one notice about ${who}`);
      assert.match(notices[0]!.footer?.text ?? '', PUSHED);
    }
  });

  it('posts once what reconciliation found first: the late push event finds nothing new', async () => {
    const community = harness.cms.community;
    // Made without push events (as the real CMS does today); they are sent late, below.
    const civilian = account(harness, SANDBOX_MEMBERS.civilian);
    civilian.comStatus = false;
    civilian.ranks = [];
    const example = account(harness, SANDBOX_MEMBERS.example);
    example.comName = 'Alex Example';
    await pass(harness);
    await waitFor(
      () =>
        embeds(harness).some(about(users.civilian)) &&
        embeds(harness).some((e) => changes(e).includes('-> Alex Example')),
      10_000,
      'the reconciled notices',
    );
    community.notify('ACCOUNT_KICKED', civilian);
    community.notify('ACCOUNT_UPDATED', example);
    await fetch(`${harness.cms.url}/__emulator/push/idle`);
    await sentinel(harness, 'Jimmy Carter');
    for (const who of [users.civilian, EXAMPLE.discordId]) {
      const notices = embeds(harness).filter(about(who));
      assert.equal(notices.length, 1, `one notice about ${who}`);
      assert.match(notices[0]!.footer?.text ?? '', RECONCILED);
    }
    assert.equal(harness.cms.push?.stats().failed, 0);
  });
});

describe('the reconciler on its own timer', () => {
  let harness: BotHarness;

  before(async () => {
    harness = await startBotHarness({
      cms: { windowMs: WINDOW_MS },
      env: { CMS_RATE_WINDOW_MS: String(WINDOW_MS), RECONCILE_EVERY: '3s', RECONCILE_SHARE: '0.2' },
    });
  });
  after(() => harness.stop());

  it('makes a pass every RECONCILE_EVERY, within its share of each budget', async () => {
    const reconciler = harness.bot.reconciler!;
    const results: PassResult[] = [];
    await new Promise<void>((resolve) => {
      reconciler.on('pass', (result) => {
        results.push(result);
        if (results.length === 2) resolve();
      });
    });
    const [first, second] = results as Extract<PassResult, { status: 'done' }>[];
    assert.deepEqual(
      results.map((r) => r.status),
      ['done', 'done'],
    );
    assert.equal(first!.firstPass, true);
    assert.equal(second!.firstPass, false);
    // A fifth of Get Account's 27 a window: its calls are spaced at least a window / 5.4 apart.
    const getAccount = harness.cms.limiter.stats().find((row) => row.operation === 'getAccount')!;
    assert.ok(getAccount.requests >= 2, `details read: ${getAccount.requests}`);
    assert.ok(getAccount.maxInWindow <= 6, `most in one window: ${getAccount.maxInWindow}`);
    // The round-robin went on from where the first pass stopped.
    assert.equal(first!.details + second!.details, getAccount.requests);
  });
});
