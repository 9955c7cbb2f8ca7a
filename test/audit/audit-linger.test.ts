import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { AccountChangeEvent } from '../../src/audit/audit-events.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/queue-harness.js';

const { channels } = SANDBOX_GUILD;

describe('audit notices in a burst', () => {
  let harness: BotHarness;
  before(async () => {
    harness = await startBotHarness();
  });
  after(() => harness.stop());

  function change(n: number): AccountChangeEvent {
    return {
      type: 'account-change',
      id: `burst.${n}`,
      at: Date.now(),
      change: 'banned',
      source: 'push',
      account: { accId: `burst-account-${n}`, name: `Member ${n}`, discordId: null },
      details: [],
      firstSighting: false,
    };
  }

  it('share one message when they arrive a few milliseconds apart, not one message each', async () => {
    const audit = harness.bot.context.audit;
    // Spaced out on purpose: the worker is free when the first arrives, as after a quiet spell.
    for (let n = 1; n <= 3; n += 1) {
      await audit.record(change(n));
      await delay(10);
    }
    const message = await harness.discord.waitForMessage(channels.audit, (m) =>
      m.embeds.some((e) => e.fields?.some((f) => f.value === '`burst-account-1`')),
    );
    assert.deepEqual(
      message.embeds.map((e) => e.fields?.find((f) => f.name === 'CMS account')?.value),
      ['`burst-account-1`', '`burst-account-2`', '`burst-account-3`'],
    );
  });

  it('posts a notice recorded again once, also when it comes behind another in a message', async () => {
    const audit = harness.bot.context.audit;
    const accountsShown = () =>
      harness.discord
        .messages(channels.audit)
        .flatMap((m) =>
          m.embeds.map((e) => e.fields?.find((f) => f.name === 'CMS account')?.value),
        );
    // 11 and 12 share a message: 12's job leaves the queue with 11's, freeing its id.
    await audit.record(change(11));
    await audit.record(change(12));
    await harness.discord.waitForMessage(channels.audit, (m) =>
      m.embeds.some((e) => e.fields?.some((f) => f.value === '`burst-account-12`')),
    );
    await waitFor(async () => (await audit.waiting()) === 0, 10_000, '12 to leave the queue');
    // 12 again (a reconciler finding what a push already said), right behind a new notice.
    await audit.record(change(13));
    await audit.record(change(12));
    await audit.record(change(14));
    await harness.discord.waitForMessage(channels.audit, (m) =>
      m.embeds.some((e) => e.fields?.some((f) => f.value === '`burst-account-14`')),
    );
    assert.deepEqual(
      accountsShown().filter((value) => /burst-account-1[1-4]/.test(value ?? '')),
      ['`burst-account-11`', '`burst-account-12`', '`burst-account-13`', '`burst-account-14`'],
    );
  });
});

describe('a bot stopping while a notice waits for company', () => {
  it('posts it before the Discord client goes, without reporting an outage', async () => {
    const harness = await startBotHarness();
    const shown = () =>
      harness.discord
        .messages(channels.audit)
        .flatMap((m) => m.embeds.flatMap((e) => e.fields?.map((f) => f.value) ?? []));
    await harness.bot.context.audit.record({
      type: 'account-change',
      id: 'stopping.1',
      at: Date.now(),
      change: 'banned',
      source: 'push',
      account: { accId: 'stopping-account', name: 'Member', discordId: null },
      details: [],
      firstSighting: false,
    });
    // Taken by the audit worker (no longer waiting), it lingers 250 ms for others to share its
    // message: the bot stops meanwhile.
    await waitFor(
      async () => (await harness.bot.context.audit.waiting()) === 0,
      10_000,
      'the worker to take the notice',
    );
    await harness.stop();
    assert.ok(shown().includes('`stopping-account`'), 'posted before the bot stopped');
    assert.deepEqual(
      harness
        .logLines()
        .filter((line) => (line.level as number) >= 50)
        .map((line) => line.msg),
      [],
    );
  });
});
