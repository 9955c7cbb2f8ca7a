import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/queue-harness.js';
import { notice, noticesShown } from './helpers/checks.js';

const { users } = SANDBOX_GUILD;
const MEMBERS = [users.officer, users.civilian, users.staff, users.unlinked, users.officer];
const CANNOT_ANSWER = /^interactions cannot be answered/;
const CANNOT_DELIVER = /^audit notices cannot be delivered/;

/**
 * Discord's REST API fails (503 on every route) for a while; the gateway still delivers
 * interactions. The bot cannot acknowledge them: it says so once, not once per interaction.
 * Audit notices wait in Redis and are posted afterwards, in order, each once.
 */
describe('fault: Discord REST fails for a while', () => {
  let harness: BotHarness;

  before(async () => {
    harness = await startBotHarness();
  });
  after(() => harness.stop());

  const lines = (pattern: RegExp) =>
    harness.logLines().filter((line) => pattern.test(String(line.msg)));
  const slash = (user: string) => harness.slash({ user, name: 'clockin', subcommand: 'status' });

  it('logs unanswerable interactions once, and posts the waiting notices afterwards, in order', async () => {
    const audit = harness.bot.context.audit;
    for (let n = 1; n <= 3; n += 1) await audit.record(notice(n));
    await waitFor(() => noticesShown(harness.discord).length === 3, 10_000, 'the first notices');
    const before = harness.logLines().length;

    const undo = harness.discord.failRest();
    try {
      for (const user of MEMBERS) slash(user);
      for (let n = 4; n <= 12; n += 1) await audit.record(notice(n));
      // Every interaction was tried and given up on (one line, then one debug line each).
      await waitFor(
        () =>
          lines(CANNOT_ANSWER).length + lines(/^an interaction could not be answered$/).length ===
          MEMBERS.length,
        30_000,
        'every interaction to be given up on',
      );
      await waitFor(() => lines(CANNOT_DELIVER).length > 0, 15_000, 'a failed audit delivery');
    } finally {
      undo();
    }
    const during = harness.logLines().slice(before);
    assert.equal(lines(CANNOT_ANSWER).length, 1, 'one line for all the unanswered interactions');
    assert.equal(lines(CANNOT_DELIVER).length, 1, 'one line for the audit outage');
    const loud = during.filter(
      (line) =>
        (line.level as number) >= 40 &&
        !CANNOT_ANSWER.test(String(line.msg)) &&
        !CANNOT_DELIVER.test(String(line.msg)),
    );
    assert.deepEqual(
      loud.map((line) => line.msg),
      [],
      'nothing else at warn or above',
    );

    // Discord is back: a member is answered, the bot says so, the notices arrive in order.
    const reply = await slash(users.officer).reply((m) => m.embeds.length > 0, 15_000);
    assert.match(reply.embeds[0]?.title ?? '', /duty/i);
    await waitFor(
      () => lines(/^interactions are being answered again$/).length === 1,
      5_000,
      'the recovery line',
    );
    assert.equal(lines(/^interactions are being answered again$/)[0]!.unanswered, MEMBERS.length);
    await waitFor(() => noticesShown(harness.discord).length >= 12, 30_000, 'every notice');
    assert.deepEqual(
      noticesShown(harness.discord),
      Array.from({ length: 12 }, (_, i) => i + 1),
      'each notice once, in the order recorded',
    );
  });
});
