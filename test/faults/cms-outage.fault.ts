import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import type { EmulatedMessage } from '../../src/dev/discord-emulator/index.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { assertPacingHeld } from './helpers/checks.js';

const { users } = SANDBOX_GUILD;
const embedTitle = (m: EmulatedMessage) => m.embeds[0]?.title ?? '';
/** A final answer: not "thinking…", not "queued behind…". */
const final = (m: EmulatedMessage) => !m.content.startsWith('⏳');
const ERROR_ID = /error id/i;

/**
 * The CMS answers 5xx, times out, or answers slowly for a while (seconds here, with a two-second
 * rate window, where production would see minutes). The bot retries with backoff, tells members
 * plainly, never earns a 429, and is back to normal by itself once the CMS is.
 */
describe('fault: the CMS fails or slows down for a while', () => {
  let harness: BotHarness;

  before(async () => {
    harness = await startBotHarness({
      cms: { windowMs: 2_000, blockSeconds: 3600 },
      env: { CMS_TIMEOUT_MS: '600', CMS_RETRY_BASE_MS: '100', CMS_MAX_ATTEMPTS: '4' },
    });
    // Linked, and the clock-in types cached, before the trouble starts.
    await harness
      .slash({ user: users.officer, name: 'clockin', subcommand: 'status' })
      .reply(final);
    harness.cms.community.closeOpenClock(SANDBOX_MEMBERS.officer);
  });
  after(() => harness.stop());

  const clockIn = () =>
    harness.slash({ user: users.officer, name: 'clockin', subcommand: 'in' }).reply(final, 20_000);
  const clockOut = () =>
    harness.slash({ user: users.officer, name: 'clockin', subcommand: 'out' }).reply(final, 20_000);

  it('retries 5xx answers with growing waits and tells the member plainly', async () => {
    harness.cms.faults.set({ errorRate: 1, errorStatus: 503 });
    const reply = await clockIn();
    assert.match(reply.content, /Sonoran CMS is having trouble right now/);
    assert.doesNotMatch(reply.content, ERROR_ID, 'no error id: the member knows what happened');

    const delays = harness
      .logLines()
      .filter((line) => line.msg === 'CMS call failed; retrying' && line.status === 503)
      .map((line) => ({ attempt: line.attempt as number, delayMs: line.delayMs as number }))
      .slice(0, 3);
    assert.deepEqual(
      delays.map((d) => d.attempt),
      [1, 2, 3],
    );
    assert.ok(
      delays[0]!.delayMs < delays[1]!.delayMs && delays[1]!.delayMs < delays[2]!.delayMs,
      `backoff grows: ${delays.map((d) => d.delayMs).join(', ')} ms`,
    );
    harness.cms.faults.clear();
  });

  it('recovers within one call when the CMS comes back during its retries', async () => {
    harness.cms.faults.set({ errorCount: 2 });
    const reply = await clockIn();
    assert.match(embedTitle(reply), /^🟢 Clocked in/);
    await clockOut();
  });

  it('tells the member plainly when the CMS does not answer at all', async () => {
    harness.cms.faults.set({ hangRate: 1 });
    const reply = await clockIn();
    // A read timed out (not answering), or the clock-in itself did (it may have gone through).
    assert.match(
      reply.content,
      /Sonoran CMS (is not answering right now|may or may not have done this)/,
    );
    assert.doesNotMatch(reply.content, ERROR_ID);
    harness.cms.faults.clear();
    // Whatever that attempt did, the member's shift is ended so the next test starts off duty.
    harness.cms.community.closeOpenClock(SANDBOX_MEMBERS.officer);
  });

  it('answers while the CMS is slow, acknowledging at once', async () => {
    harness.cms.faults.set({ latencyMs: 400 });
    const handle = harness.slash({ user: users.officer, name: 'clockin', subcommand: 'in' });
    const ack = await handle.acknowledged();
    assert.ok(ack.sinceDispatchMs < 3_000, 'acknowledged within Discord’s 3 s');
    const reply = await handle.reply(final, 20_000);
    assert.match(embedTitle(reply), /^🟢 Clocked in/);
    harness.cms.faults.clear();
  });

  it('is back to normal by itself once the CMS is, and never earned a 429', async () => {
    const out = await clockOut();
    assert.match(embedTitle(out), /^🔴 Clocked out/);
    const again = await clockIn();
    assert.match(embedTitle(again), /^🟢 Clocked in/);
    assertPacingHeld(harness.cms);
  });
});
