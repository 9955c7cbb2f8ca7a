import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CmsClient } from '../../src/cms/client.js';
import { CmsError } from '../../src/cms/errors.js';
import { loadConfig } from '../../src/config.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { startCmsQueue } from '../../src/queue/index.js';
import type { BotHarness } from '../helpers/bot-harness.js';
import { getJson, scrape, startOpsHarness, valueOf } from './ops-harness.js';

const { users } = SANDBOX_GUILD;

/**
 * Another app on the same key spends an endpoint's budget until the CMS (the emulator's real
 * rate limiter) answers 429 and blocks the credential, as production does for an hour.
 */
async function blockTheKey(harness: BotHarness): Promise<void> {
  const other = new CmsClient({
    baseUrl: harness.cms.url,
    communityId: harness.cms.communityId,
    apiKey: harness.cms.apiKey,
    timeoutMs: 2_000,
  });
  for (let i = 0; i < 100; i += 1) {
    const error = await other.call('getServers', {}).then(
      () => null,
      (e: unknown) => e,
    );
    if (error instanceof CmsError && error.kind === 'rate-limited') return;
  }
  throw new Error('the CMS emulator never answered 429');
}

describe('ops endpoints while the CMS pauses the bot after a 429', () => {
  let harness: BotHarness & { opsUrl: string };

  before(async () => {
    harness = await startOpsHarness();
    await blockTheKey(harness);
    // The bot's next CMS call meets the block: its 429 pauses the credential for every process.
    const reply = await harness
      .slash({ user: users.officer, name: 'clockin', subcommand: 'status' })
      .reply((m) => /paused/.test(m.content));
    assert.match(reply.content, /Please try again <t:\d+:R>/);
  });
  after(() => harness.stop());

  it('/readyz answers 503 naming the cms check, paused, and until when', async () => {
    const { status, body } = await getJson(`${harness.opsUrl}/readyz`);
    assert.equal(status, 503);
    assert.deepEqual(body.failed, ['cms']);
    const { cms } = body.checks;
    assert.equal(cms.ok, false);
    assert.equal(cms.reason, 'paused');
    assert.match(cms.detail, /429/);
    const until = Date.parse(cms.pausedUntil ?? '');
    // The emulator blocks for an hour, as production does; Retry-After says so.
    assert.ok(until - Date.now() > 55 * 60_000, `paused until ${cms.pausedUntil}`);
    assert.equal(body.checks.redis.ok, true);
    assert.equal(body.checks.discord.ok, true);
  });

  it('/metrics shows the 429, the pause and the failed check', async () => {
    const { samples } = await scrape(harness.opsUrl);
    const limited = samples
      .filter((s) => s.name === 'sonoran_bot_cms_rate_limited_total')
      .reduce((sum, s) => sum + s.value, 0);
    assert.equal(limited, 1, 'one 429: the pause keeps every later call from the CMS');
    assert.ok(
      samples.some(
        (s) =>
          s.name === 'sonoran_bot_cms_request_errors_total' &&
          s.labels.kind === 'rate-limited' &&
          s.value === 1,
      ),
    );
    assert.ok(valueOf(samples, 'sonoran_bot_cms_paused_seconds')! > 55 * 60);
    assert.equal(valueOf(samples, 'sonoran_bot_ready', { check: 'cms' }), 0);
    assert.equal(
      valueOf(samples, 'sonoran_bot_interactions_total', {
        command: 'clockin',
        outcome: 'cms_error',
      }),
      1,
    );
  });

  it('/botstatus tells staff the CMS is paused and until when, and the queue behind it, without calling it', async () => {
    // Another process queues calls behind the pause: the queue is shared, so the bot sees them.
    const other = await startCmsQueue(loadConfig(harness.env), harness.logger);
    try {
      for (let i = 0; i < 5; i += 1)
        await other.queue.submit('getServers', {}, { priority: 'background', estimate: false });
      const requests = () =>
        harness.cms.limiter.stats().reduce((sum, row) => sum + row.requests, 0);
      const requestsBefore = requests();
      const reply = await harness
        .slash({ user: users.staff, name: 'botstatus' })
        .reply((m) => m.embeds.length > 0);
      const embed = reply.embeds[0]!;
      const field = (name: string) => embed.fields?.find((f) => f.name === name)?.value ?? '';
      assert.match(embed.title ?? '', /not ready \(cms\)/);
      assert.match(
        field('Checks'),
        /⏸️ \*\*Sonoran CMS\*\*: paused after a 429 until <t:\d+:t> \(<t:\d+:R>\)/,
      );
      // Nothing is sent before the pause ends: the ETA is the hour-long pause.
      assert.match(field('CMS queue'), /`getServers`: 5 waiting; empty in about 1 h 0\d min/);
      assert.equal(requests(), requestsBefore, 'no CMS request was made for it');
    } finally {
      await other.close();
    }
  });
});
