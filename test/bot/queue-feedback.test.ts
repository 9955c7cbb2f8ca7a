import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXAMPLE } from '../../src/cms/catalog/examples.js';
import { loadConfig } from '../../src/config.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { startCmsQueue, type CmsQueue } from '../../src/queue/index.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';

const { users } = SANDBOX_GUILD;
const clockStatus = {
  params: { accountId: EXAMPLE.accountId },
  query: { accId: EXAMPLE.accountId },
};

/** Another process's calls of the same operation, queued ahead of the member's. */
async function fillQueue(
  harness: BotHarness,
  count: number,
): Promise<{ queue: CmsQueue; close(): Promise<void> }> {
  const started = await startCmsQueue(loadConfig(harness.env), harness.logger);
  await Promise.all(
    Array.from({ length: count }, () =>
      started.queue.submit('getCurrentClockIn', clockStatus, { deadline: null, estimate: false }),
    ),
  );
  return started;
}

describe('a member waiting on the CMS queue', () => {
  let harness: BotHarness;
  let other: { close(): Promise<void> } | undefined;

  // A 3 s window: the member's call waits for the next one, seconds rather than a minute.
  before(async () => {
    harness = await startBotHarness({ cms: { windowMs: 3_000 } });
  });
  after(async () => {
    await other?.close();
    await harness.stop();
  });

  it('sees "Queued behind N CMS calls, about M s", then the result in the same reply', async () => {
    other = await fillQueue(harness, 27 + 10);
    const handle = harness.slash({ user: users.officer, name: 'clockin', subcommand: 'status' });
    const notice = await handle.reply((m) => m.content.startsWith('⏳'));
    assert.match(
      notice.content,
      /Queued behind \d+ CMS calls, about \d+ s\. This message will update/,
    );
    const result = await handle.reply(
      (m) => m.embeds.length > 0 || /off duty/.test(m.content),
      20_000,
    );
    assert.equal(result.content.includes('⏳'), false, 'the notice was replaced by the result');
  });
});

describe('a wait that would outlive the interaction token', () => {
  let harness: BotHarness;
  let other: { close(): Promise<void> } | undefined;

  before(async () => {
    harness = await startBotHarness();
  });
  after(async () => {
    await other?.close();
    await harness.stop();
  });

  it('is not queued, and the member is told when to try again', async () => {
    // 400 calls at 27 a minute: about 15 minutes, past the 14 the bot gives an interaction.
    other = await fillQueue(harness, 400);
    const handle = harness.slash({ user: users.officer, name: 'clockin', subcommand: 'status' });
    const reply = await handle.reply((m) => m.content.includes('too long'));
    assert.match(reply.content, /try again <t:\d+:R>/);
    const notices = handle.responses.filter((r) => JSON.stringify(r.body ?? '').includes('⏳'));
    assert.deepEqual(notices, [], 'never shown as queued: it was not queued at all');
  });
});
