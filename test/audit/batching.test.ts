import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AccountChangeEvent } from '../../src/audit/audit-events.js';
import { embedLength, takeBatch } from '../../src/audit/batching.js';
import { auditEmbed } from '../../src/audit/audit-embeds.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/queue-harness.js';

const { channels } = SANDBOX_GUILD;

function change(
  n: number,
  details: string[] = [`name Member ${n - 1} -> Member ${n}`],
): AccountChangeEvent {
  return {
    type: 'account-change',
    id: `batch-test.${n}`,
    at: Date.now(),
    change: 'updated',
    source: 'reconciliation',
    account: { accId: `acc-${n}`, name: `Member ${n}`, discordId: null },
    details,
    firstSighting: false,
  };
}

describe('audit notices under a burst', () => {
  let harness: BotHarness;

  before(async () => {
    harness = await startBotHarness();
  });
  after(() => harness.stop());

  it('are posted up to ten a message, in order, each once', async () => {
    const audit = harness.bot.context.audit;
    const events = Array.from({ length: 25 }, (_, i) => change(i + 1));
    // Recorded while nobody delivers, so the burst is waiting as a whole.
    for (const event of events) await audit.record(event);
    const titles = () =>
      harness.discord
        .messages(channels.audit)
        .flatMap((m) =>
          m.embeds.map((e) => e.fields?.find((f) => f.name === 'Member')?.value ?? ''),
        );
    await waitFor(
      () => titles().filter((t) => t.startsWith('Member')).length === 25,
      20_000,
      'all 25 notices',
    );
    const posted = harness.discord
      .messages(channels.audit)
      .filter((m) => m.embeds.some((e) => e.title === 'Account updated'));
    assert.ok(posted.length <= Math.ceil(25 / 10) + 1, `${posted.length} messages for 25 notices`);
    assert.ok(posted.every((m) => m.embeds.length <= 10));
    assert.deepEqual(
      titles().filter((t) => t.startsWith('Member')),
      events.map((e) => `${e.account.name} (no Discord linked)`),
      'in the order recorded, each once',
    );
  });

  it("stops a batch before Discord's 6000 characters a message", () => {
    const long = Array.from({ length: 10 }, (_, i) => change(100 + i, [`${'x'.repeat(900)}`]));
    const batch = takeBatch(long[0]!, long.slice(1));
    const characters = batch.reduce(
      (sum, event) => sum + embedLength(auditEmbed(event).toJSON()),
      0,
    );
    assert.ok(
      batch.length < 10 && characters <= 6000,
      `${batch.length} embeds, ${characters} characters`,
    );
    assert.ok(
      characters + embedLength(auditEmbed(long[batch.length]!).toJSON()) > 6000,
      'the next one would not fit',
    );
  });
});
