import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/queue-harness.js';

const { users, roles } = SANDBOX_GUILD;
const EPHEMERAL = 64;
const embedTitle = (message: { embeds: { title?: string }[] }) => message.embeds[0]?.title ?? '';

describe('/clockin', () => {
  let harness: BotHarness;

  before(async () => {
    harness = await startBotHarness();
  });
  after(() => harness.stop());

  it('clocks a member in with an autocompleted type, gives the on-duty role, shows status, and clocks out', async () => {
    // The bot fills its cache of clock-in types at start; autocomplete answers from it.
    await waitFor(
      async () => (await harness.bot.context.cms.community.clockInTypes.read()) !== null,
      10_000,
      'the clock-in types cache',
    );
    const typing = harness.discord.autocomplete({
      user: users.officer,
      guildId: SANDBOX_GUILD.guild,
      channelId: SANDBOX_GUILD.channels.general,
      name: 'clockin',
      subcommand: 'in',
      options: { type: 'pat' },
      focused: 'type',
    });
    await typing.acknowledged();
    assert.deepEqual(
      typing.autocompleteChoices(),
      [
        { name: 'Patrol', value: 'patrol' },
        { name: 'Dispatch', value: 'dispatch' },
      ],
      'names that start with what was typed come first',
    );

    // The seeded officer is on a shift: end it in the CMS, so this one starts off duty.
    harness.cms.community.closeOpenClock(SANDBOX_MEMBERS.officer);
    const clockIn = harness.slash({
      user: users.officer,
      name: 'clockin',
      subcommand: 'in',
      options: { type: 'patrol' },
    });
    const reply = await clockIn.reply((m) => embedTitle(m).startsWith('🟢 Clocked in'));
    assert.equal(reply.flags & EPHEMERAL, EPHEMERAL, 'only the member sees it');
    assert.equal(reply.embeds[0]!.fields?.find((f) => f.name === 'Type')?.value, 'Patrol');
    assert.ok(
      harness.cms.community.openClock(SANDBOX_MEMBERS.officer),
      'the CMS has the shift open',
    );
    assert.ok(
      harness.discord.member(users.officer)?.roles.includes(roles.onDuty),
      'the on-duty role was given',
    );

    const status = await harness
      .slash({ user: users.officer, name: 'clockin', subcommand: 'status' })
      .reply((m) => m.embeds.length > 0);
    assert.match(embedTitle(status), /On duty/);
    assert.ok(
      status.embeds[0]!.fields?.some((f) => f.name === 'Started' && /<t:\d+:f>/.test(f.value)),
      "the start time, in each reader's time zone",
    );

    const out = await harness
      .slash({ user: users.officer, name: 'clockin', subcommand: 'out' })
      .reply((m) => embedTitle(m).startsWith('🔴'));
    assert.ok(out.embeds[0]!.fields?.some((f) => f.name === 'Lasted'));
    assert.equal(harness.cms.community.openClock(SANDBOX_MEMBERS.officer), undefined);
    assert.ok(
      !harness.discord.member(users.officer)?.roles.includes(roles.onDuty),
      'the on-duty role was taken',
    );
  });

  it('reflects a clock-in made elsewhere (the CMS panel) the next time the member runs it', async () => {
    harness.cms.community.clockIn(SANDBOX_MEMBERS.firefighter, 'training');
    const status = await harness
      .slash({ user: users.firefighter, name: 'clockin', subcommand: 'status' })
      .reply((m) => m.embeds.length > 0);
    assert.equal(status.embeds[0]!.fields?.find((f) => f.name === 'Type')?.value, 'Training');
    assert.ok(harness.discord.member(users.firefighter)?.roles.includes(roles.onDuty));
  });

  it('tells an unlinked member how to link their Discord, privately, without an error', async () => {
    const reply = await harness
      .slash({ user: users.unlinked, name: 'clockin', subcommand: 'status' })
      .reply();
    assert.equal(reply.flags & EPHEMERAL, EPHEMERAL);
    assert.match(reply.content, /not linked to a Sonoran CMS account/);
    assert.match(reply.content, /API ID/);
    assert.doesNotMatch(reply.content, /error id/);
  });

  it('refuses a clock-in type the community does not have, naming the ones it has', async () => {
    const reply = await harness
      .slash({
        user: users.civilian,
        name: 'clockin',
        subcommand: 'in',
        options: { type: 'space-patrol' },
      })
      .reply();
    assert.match(reply.content, /no clock-in type "space-patrol"/);
    assert.match(reply.content, /Patrol, Regular Duty, Training, Dispatch/);
  });

  it('tells the member plainly, once, when the CMS answers 5xx', async () => {
    harness.cms.faults.set({ errorRate: 1, operations: ['getCurrentClockIn'] });
    try {
      const handle = harness.slash({
        user: users.dispatcher,
        name: 'clockin',
        subcommand: 'status',
      });
      const reply = await handle.reply((m) => m.content.includes('Sonoran CMS'));
      assert.match(reply.content, /having trouble/);
      assert.doesNotMatch(reply.content, /503|stack|key/i);
    } finally {
      harness.cms.faults.clear();
    }
  });

  it('answers autocomplete from the cache at once, even while the CMS is slow', async () => {
    harness.cms.faults.set({ latencyMs: 5_000, operations: ['getClockInTypes'] });
    try {
      // A stale cache: the answer is the cached list, and a refresh starts in the background.
      const key = `${harness.bot.context.namespace}:cache:clock-in-types`;
      const cached = JSON.parse((await harness.bot.context.redis.get(key))!) as {
        value: unknown;
        fetchedAt: number;
      };
      await harness.bot.context.redis.set(key, JSON.stringify({ ...cached, fetchedAt: 0 }));
      const typing = harness.discord.autocomplete({
        user: users.civilian,
        guildId: SANDBOX_GUILD.guild,
        channelId: SANDBOX_GUILD.channels.general,
        name: 'clockin',
        subcommand: 'in',
        options: { type: '' },
        focused: 'type',
      });
      await typing.acknowledged();
      const choices = typing.autocompleteChoices();
      assert.equal(choices?.length, 4);
      assert.equal(typing.responses[0]!.status, 204, "answered within Discord's 3 s");
    } finally {
      harness.cms.faults.clear();
    }
  });
});

describe('/clockin and the shift log', () => {
  let harness: BotHarness;

  before(async () => {
    // A 1 s window: the reconciler's paced reads take seconds, not minutes.
    harness = await startBotHarness({
      cms: { windowMs: 1_000 },
      env: { SHIFT_LOG_CHANNEL_ID: SANDBOX_GUILD.channels.shifts, RECONCILE_EVERY: '1h' },
      bot: { reconcileOnTimer: false },
    });
  });
  after(() => harness.stop());

  it('posts one line per clock-in and clock-out, once even when the reconciler finds them too', async () => {
    const reconciler = harness.bot.reconciler!;
    // A first pass only records what the CMS holds.
    assert.equal((await reconciler.runPass()).status, 'done');
    harness.cms.community.closeOpenClock(SANDBOX_MEMBERS.civilian);
    await harness
      .slash({
        user: users.civilian,
        name: 'clockin',
        subcommand: 'in',
        options: { type: 'patrol' },
      })
      .reply((m) => m.embeds.length > 0);
    const clockedIn = await harness.discord.waitForMessage(SANDBOX_GUILD.channels.shifts, (m) =>
      /clocked in: Patrol/.test(JSON.stringify(m.embeds)),
    );
    assert.match(JSON.stringify(clockedIn.embeds), /via \/clockin/);
    await harness
      .slash({ user: users.civilian, name: 'clockin', subcommand: 'out' })
      .reply((m) => m.embeds.length > 0);
    await harness.discord.waitForMessage(SANDBOX_GUILD.channels.shifts, (m) =>
      /clocked out: Patrol/.test(JSON.stringify(m.embeds)),
    );

    // The reconciler now reads the same shift in the CMS's clock data: nothing new to post.
    assert.equal((await reconciler.runPass()).status, 'done');
    const marker = harness.slash({
      user: users.civilian,
      name: 'clockin',
      subcommand: 'in',
      options: { type: 'training' },
    });
    await marker.reply((m) => m.embeds.length > 0);
    await harness.discord.waitForMessage(SANDBOX_GUILD.channels.shifts, (m) =>
      /clocked in: Training/.test(JSON.stringify(m.embeds)),
    );
    const lines = harness.discord
      .messages(SANDBOX_GUILD.channels.shifts)
      .flatMap((m) => m.embeds.map((e) => e.description ?? ''));
    assert.equal(lines.filter((line) => line.includes('clocked in: Patrol')).length, 1);
    assert.equal(lines.filter((line) => line.includes('clocked out: Patrol')).length, 1);
  });
});
