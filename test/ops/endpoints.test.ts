import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Routes } from 'discord.js';
import { limitPerMinute } from '../../src/cms/catalog/index.js';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import type { BotHarness } from '../helpers/bot-harness.js';
import { getJson, nextClientEvent, scrape, startOpsHarness, valueOf } from './ops-harness.js';

const { users } = SANDBOX_GUILD;
const WINDOW_MS = 5_000;

describe('ops endpoints (OPS_PORT)', () => {
  let harness: BotHarness & { opsUrl: string };

  before(async () => {
    harness = await startOpsHarness({
      push: true,
      // A compressed CMS window keeps the reconciliation pass, paced by it, short.
      cms: { windowMs: WINDOW_MS },
      env: { RECONCILE_EVERY: '1h' },
      bot: { reconcileOnTimer: false },
    });
  });
  after(() => harness.stop());

  it('listen on loopback by default', () => {
    assert.match(harness.opsUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('/healthz answers 200 while the process runs', async () => {
    const { status, body } = await getJson(`${harness.opsUrl}/healthz`);
    assert.equal(status, 200);
    assert.deepEqual(body, { status: 'ok' });
  });

  it('/readyz answers 200 when Redis, the gateway and the CMS queue are fine', async () => {
    const { status, body } = await getJson(`${harness.opsUrl}/readyz`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.status, 'ready');
    assert.deepEqual(body.failed, []);
    for (const check of ['redis', 'discord', 'cms'] as const)
      assert.equal(body.checks[check].ok, true, `${check}: ${body.checks[check].detail}`);
  });

  it('/metrics counts a /clockin status: the interaction, its CMS calls, budget and queue wait', async () => {
    const before = (await scrape(harness.opsUrl)).samples;
    const reply = await harness
      .slash({ user: users.officer, name: 'clockin', subcommand: 'status' })
      .reply((m) => m.embeds.length > 0);
    assert.match(reply.embeds[0]?.title ?? '', /duty/);
    const { samples, text } = await scrape(harness.opsUrl);
    const grew = (name: string, labels: Record<string, string>) =>
      (valueOf(samples, name, labels) ?? 0) - (valueOf(before, name, labels) ?? 0);

    assert.equal(grew('sonoran_bot_interactions_total', { command: 'clockin', outcome: 'ok' }), 1);
    for (const phase of ['acknowledge', 'answer'])
      assert.equal(
        grew('sonoran_bot_interaction_duration_seconds_count', { command: 'clockin', phase }),
        1,
        phase,
      );
    const answered = { operation: 'getCurrentClockIn', outcome: 'ok' };
    assert.equal(grew('sonoran_bot_cms_request_duration_seconds_count', answered), 1);
    const took = valueOf(samples, 'sonoran_bot_cms_request_duration_seconds_sum', answered)!;
    assert.ok(took > 0 && took < 10, `a plausible CMS latency: ${took} s`);
    assert.equal(grew('sonoran_bot_cms_calls_total', { ...answered, priority: 'interactive' }), 1);
    assert.equal(
      grew('sonoran_bot_cms_queue_wait_seconds_count', {
        operation: 'getCurrentClockIn',
        priority: 'interactive',
      }),
      1,
    );
    const used = valueOf(samples, 'sonoran_bot_cms_budget_used', {
      operation: 'getCurrentClockIn',
    });
    assert.ok(used !== undefined && used >= 1, `the send is in the window: ${used}`);
    assert.equal(
      valueOf(samples, 'sonoran_bot_cms_budget_limit', { operation: 'getCurrentClockIn' }),
      limitPerMinute('getCurrentClockIn'),
    );
    assert.equal(
      valueOf(samples, 'sonoran_bot_cms_queue_depth', {
        operation: 'getCurrentClockIn',
        priority: 'interactive',
      }),
      0,
    );
    assert.equal(valueOf(samples, 'sonoran_bot_cms_paused_seconds'), 0);
    for (const check of ['redis', 'discord', 'cms'])
      assert.equal(valueOf(samples, 'sonoran_bot_ready', { check }), 1, check);
    assert.equal(valueOf(samples, 'sonoran_bot_info', { version: '0.1.0' }), 1);
    assert.ok(valueOf(samples, 'sonoran_bot_audit_backlog', { stage: 'notices' }) !== undefined);
    assert.ok(text.includes('process_cpu_user_seconds_total'), 'the default process metrics');
    assert.doesNotMatch(text, new RegExp(harness.cms.apiKey), 'no key in any label');
    assert.doesNotMatch(text, new RegExp(harness.discord.token), 'no token in any label');
  });

  it('/metrics counts push events by type and outcome, and refusals by reason', async () => {
    const post = (body: unknown) =>
      fetch(harness.bot.pushUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const event = {
      key: harness.cms.apiKey,
      type: 'ACCOUNT_KICKED',
      data: { discordId: users.civilian, accountId: SANDBOX_MEMBERS.civilian },
    };
    assert.equal((await post(event)).status, 200);
    assert.equal((await post(event)).status, 200);
    assert.equal((await post({ ...event, key: 'not-the-key' })).status, 401);
    assert.equal((await post({ ...event, type: 'ACCOUNT_EXPLODED' })).status, 400);

    const { samples } = await scrape(harness.opsUrl);
    const count = (labels: Record<string, string>) =>
      valueOf(samples, 'sonoran_bot_push_events_total', labels);
    assert.equal(count({ type: 'ACCOUNT_KICKED', outcome: 'accepted' }), 1);
    assert.equal(count({ type: 'ACCOUNT_KICKED', outcome: 'duplicate' }), 1);
    assert.equal(count({ type: 'ACCOUNT_KICKED', outcome: 'refused', reason: 'wrong_key' }), 1);
    assert.equal(count({ type: 'unknown', outcome: 'refused', reason: 'invalid' }), 1);
  });

  it('/metrics reports the last reconciliation pass and counts passes', async () => {
    const result = await harness.bot.reconciler!.runPass();
    assert.equal(result.status, 'done');
    const { samples } = await scrape(harness.opsUrl);
    assert.equal(valueOf(samples, 'sonoran_bot_reconcile_passes_total', { status: 'done' }), 1);
    const endedAt = valueOf(samples, 'sonoran_bot_reconcile_last_success_timestamp_seconds')!;
    assert.ok(Math.abs(endedAt - Date.now() / 1000) < 60, `ended just now: ${endedAt}`);
    assert.ok(valueOf(samples, 'sonoran_bot_reconcile_last_duration_seconds')! >= 0);
    assert.equal(
      valueOf(samples, 'sonoran_bot_reconcile_last_accounts'),
      result.status === 'done' ? result.accounts : -1,
    );
  });

  it('/metrics counts Discord REST rate limits by route template, without ids', async () => {
    const { client } = harness.bot;
    harness.discord.setRateLimits({ default: { limit: 1, windowMs: 300 } });
    try {
      const route = Routes.channel(SANDBOX_GUILD.channels.general);
      await Promise.all([client.rest.get(route), client.rest.get(route)]);
    } finally {
      harness.discord.setRateLimits({ default: { limit: 50, windowMs: 1_000 } });
    }
    const { samples } = await scrape(harness.opsUrl);
    const limited = samples.filter((s) => s.name === 'sonoran_bot_discord_rate_limited_total');
    assert.ok(
      limited.some((s) => s.labels.route === '/channels/:id' && s.value >= 1),
      JSON.stringify(limited),
    );
    assert.ok(
      limited.every((s) => !/\d{5,}/.test(s.labels.route ?? '')),
      'no ids in routes',
    );
  });

  it('/readyz answers 503 naming discord while the gateway is down, and 200 once it is back', async () => {
    const { client } = harness.bot;
    const reconnecting = nextClientEvent(client, 'shardReconnecting');
    harness.discord.dropGateway(1006, { stayDown: true });
    await reconnecting;
    const down = await getJson(`${harness.opsUrl}/readyz`);
    assert.equal(down.status, 503);
    assert.equal(down.body.status, 'not ready');
    assert.deepEqual(down.body.failed, ['discord']);
    assert.match(down.body.checks.discord.detail, /gateway shard 0 is/);
    const { samples } = await scrape(harness.opsUrl);
    assert.equal(valueOf(samples, 'sonoran_bot_ready', { check: 'discord' }), 0);

    const back = Promise.race([
      nextClientEvent(client, 'shardResume'),
      nextClientEvent(client, 'shardReady'),
    ]);
    harness.discord.restoreGateway();
    await back;
    const up = await getJson(`${harness.opsUrl}/readyz`);
    assert.equal(up.status, 200, JSON.stringify(up.body));
  });
});
