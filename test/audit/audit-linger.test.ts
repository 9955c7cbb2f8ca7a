import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { AccountChangeEvent } from '../../src/audit/audit-events.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';

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
});
