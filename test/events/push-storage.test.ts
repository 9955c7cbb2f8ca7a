import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { AuditIntake } from '../../src/audit/intake.js';
import type { AccountObservation } from '../../src/audit/observations.js';
import type { EmulatedMessage } from '../../src/dev/discord-emulator/index.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { createPushReceiver } from '../../src/events/cms/push-receiver.js';
import { createRedisConnection } from '../../src/queue/redis.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { accountRemoved, PUSH_KEY, send } from './push-helpers.js';

/** The intake's BullMQ queue, read from outside (as another process would see it). */
function intakeQueue(connection: Redis, namespace: string) {
  return new Queue<AccountObservation>('cms-intake', { connection, prefix: namespace });
}

async function jobsFor(queue: Queue<AccountObservation>, accId: string) {
  const jobs = await queue.getJobs(['wait', 'active', 'delayed', 'completed', 'failed']);
  return jobs.filter((job) => job.data.kind !== 'state' && job.data.accId === accId);
}

describe('push receiver with the real intake: stored in Redis before the 200', () => {
  let redis: TestRedis;
  let connection: Redis;
  let intake: AuditIntake;
  let url: string;
  let close: () => Promise<unknown>;

  before(async () => {
    redis = await startTestRedis({ persist: false });
    connection = createRedisConnection(redis.url, 'worker');
    // Not started: no worker takes the job away, so the test sees what the 200 left behind.
    intake = new AuditIntake({
      connection,
      namespace: 'push-storage-test',
      snapshots: null as never,
      audit: null as never,
      rankNames: async () => new Map(),
      logger: pino({ level: 'silent' }),
    });
    const receiver = await createPushReceiver({
      apiKey: PUSH_KEY,
      intake,
      logger: pino({ level: 'silent' }),
      allowedSenders: null,
      perAddressPerMinute: 1_000,
      storeTimeoutMs: 500,
    });
    await receiver.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(receiver.server.address() as { port: number }).port}/sonorancms/events`;
    close = async () => {
      await receiver.close();
      connection.disconnect();
      await redis.stop();
    };
  });
  after(() => close());

  it('has the job waiting in Redis when the 200 arrives, and stores a re-delivery once', async () => {
    const body = accountRemoved('ACCOUNT_BANNED', { accountId: 'acc-stored-1', discordId: null });
    const first = await send(url, { body });
    assert.deepEqual(first.body, { ok: true, stored: true });
    const reader = intakeQueue(connection, 'push-storage-test');
    const waiting = await reader.getWaiting();
    assert.equal(waiting.length, 1);
    assert.deepEqual(
      { ...waiting[0]!.data, at: 0 },
      {
        kind: 'banned',
        accId: 'acc-stored-1',
        discordId: null,
        source: 'push',
        at: 0,
      },
    );
    const again = await send(url, { body });
    assert.deepEqual(again.body, { ok: true, duplicate: true });
    assert.equal((await jobsFor(reader, 'acc-stored-1')).length, 1);
    await reader.close();
  });

  it('never answers 200 while Redis is down: 503, send it again', async () => {
    await redis.stop();
    const answer = await send(url, {
      body: accountRemoved('ACCOUNT_KICKED', { accountId: 'acc-while-down', discordId: null }),
    });
    assert.equal(answer.status, 503);
    assert.equal(answer.headers['retry-after'], '5');
  });
});

describe('push events end to end: one notice per event, however often it is delivered', () => {
  let harness: BotHarness;
  let reader: Queue<AccountObservation>;
  const notices = (accId: string) =>
    harness.discord
      .messages(SANDBOX_GUILD.channels.audit)
      .flatMap((message: EmulatedMessage) => message.embeds)
      .filter((embed) => embed.fields?.some((field) => field.value === `\`${accId}\``));

  before(async () => {
    harness = await startBotHarness({ push: true });
    reader = intakeQueue(harness.bot.context.redis, harness.bot.context.namespace);
  });
  after(async () => {
    await reader.close();
    await harness.stop();
  });

  const push = (body: unknown) =>
    send(harness.bot.pushUrl!, { body: { ...(body as object), key: harness.cms.apiKey } });

  it('stores and posts a re-delivered event once, sent again in turn or at the same time', async () => {
    const inTurn = accountRemoved('ACCOUNT_BANNED', { accountId: 'acc-again', discordId: null });
    assert.equal((await push(inTurn)).body.stored, true);
    assert.equal((await push(inTurn)).body.duplicate, true);
    const together = accountRemoved('ACCOUNT_KICKED', { accountId: 'acc-twice', discordId: null });
    const answers = await Promise.all([push(together), push(together)]);
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [200, 200],
    );
    // Notices are posted in order: once this last one shows, any repeat before it would too.
    const last = accountRemoved('ACCOUNT_BANNED', { accountId: 'acc-last', discordId: null });
    await push(last);
    await harness.discord.waitForMessage(SANDBOX_GUILD.channels.audit, (message) =>
      message.embeds.some((embed) => embed.fields?.some((f) => f.value === '`acc-last`')),
    );
    for (const accId of ['acc-again', 'acc-twice']) {
      assert.equal(notices(accId).length, 1, `one notice for ${accId}`);
      assert.equal((await jobsFor(reader, accId)).length, 1, `one job for ${accId}`);
    }
    assert.equal(notices('acc-again')[0]!.title, 'Account banned');
    assert.equal(notices('acc-twice')[0]!.title, 'Account left the community (kicked)');
  });
});
