import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { after, before, beforeEach, describe, it } from 'node:test';
import { limitPerMinute } from '../../src/cms/catalog/index.js';
import { QueueKeys } from '../../src/queue/index.js';
import { PacingGate } from '../../src/queue/pacing-gate.js';
import { queueOptions } from '../../src/queue/queue-options.js';
import type { SentMarker } from '../../src/queue/sent-marker.js';
import { SlotTimer } from '../../src/queue/slot-time.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

const settings = {
  windowMs: 60_000,
  marginMs: 1_000,
  interactiveReserve: 0.1,
  requestTimeoutMs: 10_000,
};

async function redisNow(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Number(micros) / 1000;
}

describe('the pacing gate (its Lua scripts against a real Redis)', () => {
  let server: TestRedis;
  let redis: Redis;
  let gate: PacingGate;
  const keys = new QueueKeys('gate-test', 'gate-test-key');
  let sends = 0;
  const sendId = () => `send-${(sends += 1)}`;

  before(async () => {
    server = await startTestRedis();
    redis = new Redis(server.url);
    gate = new PacingGate(redis, keys, settings);
  });
  // A fresh Redis and a fresh gate (process) for each case: a gate that knew the flushed
  // Redis would rightly see it lose its state.
  beforeEach(async () => {
    await redis.flushdb();
    gate = new PacingGate(redis, keys, settings);
  });
  after(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('counts a v1 operation and its v2 twin in one budget', async () => {
    const limit = limitPerMinute('getAccount');
    for (let i = 0; i < limit; i += 1) {
      const operation = i % 2 === 0 ? 'getAccount' : 'v1.getComAccount';
      assert.equal(
        (await gate.acquire({ operation, priority: 'interactive', sendId: sendId() })).status,
        'granted',
      );
    }
    assert.equal(
      (
        await gate.acquire({
          operation: 'v1.getComAccount',
          priority: 'interactive',
          sendId: sendId(),
        })
      ).status,
      'wait',
    );
    assert.equal(
      (await gate.acquire({ operation: 'getAccount', priority: 'interactive', sendId: sendId() }))
        .status,
      'wait',
    );
    // Each operation keeps its own queue: both were put to sleep.
    assert.ok((await redis.pttl(keys.limiter(keys.queueName('getAccount')))) > 0);
    assert.ok((await redis.pttl(keys.limiter(keys.queueName('v1.getComAccount')))) > 0);
  });

  it('records a sent marker stamped with Redis time, and refuses the job again while it stands', async () => {
    const markerKey = keys.sentMarker('cms.createRsvp', '7');
    const marker = { key: markerKey, attempt: 1, worker: 'w1' };
    const granted = await gate.acquire({
      operation: 'createRsvp',
      priority: 'interactive',
      sendId: sendId(),
      jobId: '7',
      marker,
    });
    assert.equal(granted.status, 'granted');
    const stored = JSON.parse((await redis.get(markerKey))!) as SentMarker;
    assert.equal(
      stored.at,
      Math.floor((granted as { sentAt: number }).sentAt),
      'the grant time, in Redis time',
    );
    assert.deepEqual(
      { attempt: stored.attempt, worker: stored.worker },
      { attempt: 1, worker: 'w1' },
    );

    const again = await gate.acquire({
      operation: 'createRsvp',
      priority: 'interactive',
      sendId: sendId(),
      jobId: '7',
      marker,
    });
    assert.equal(again.status, 'maybe-sent');
    assert.equal((again as { marker: SentMarker }).marker.at, stored.at);
  });

  it('settles a send at its answer, and logs again a send that had already left the log', async () => {
    const id = sendId();
    await gate.acquire({ operation: 'getServers', priority: 'interactive', sendId: id });
    const log = keys.sendLog('getServers');
    assert.ok(
      Number(await redis.zscore(log, id)) > (await redisNow(redis)) + 5_000,
      'held until its timeout while in flight',
    );
    assert.deepEqual(await gate.logAnswer('getServers', 'interactive', id), { missing: false });
    assert.ok(
      Math.abs(Number(await redis.zscore(log, id)) - (await redisNow(redis))) < 1_000,
      'logged at the answer',
    );

    // A process that stalled past its slot: the entry was pruned, the send happened all the same.
    await redis.zrem(log, id);
    assert.deepEqual(await gate.logAnswer('getServers', 'interactive', id), { missing: true });
    assert.notEqual(await redis.zscore(log, id), null, 'counted again');
  });

  it('gives back a slot whose send never left, with its marker', async () => {
    const markerKey = keys.sentMarker('cms.createRsvp', '8');
    const id = sendId();
    await gate.acquire({
      operation: 'createRsvp',
      priority: 'background',
      sendId: id,
      jobId: '8',
      marker: { key: markerKey, attempt: 1, worker: 'w1' },
    });
    await gate.release('createRsvp', id, markerKey);
    assert.equal(await redis.zcard(keys.sendLog('createRsvp')), 0);
    assert.equal(await redis.zcard(keys.backgroundLog('createRsvp')), 0);
    assert.equal(await redis.exists(markerKey), 0);
  });

  it('refuses a job past its deadline, or withdrawn, without taking a slot', async () => {
    const now = await redisNow(redis);
    const late = await gate.acquire({
      operation: 'getServers',
      priority: 'interactive',
      sendId: sendId(),
      jobId: '1',
      deadline: now - 1,
    });
    assert.equal(late.status, 'expired');
    const queue = new Queue(keys.queueName('getServers'), queueOptions(redis, keys));
    const job = await queue.add(
      'getServers',
      { operation: 'getServers', input: {}, priority: 'interactive', submitter: 's', attempt: 1 },
      { priority: 1 },
    );
    assert.equal(
      await gate.withdraw('getServers', job.id!, keys.sentMarker(job.queueName, job.id!)),
      true,
    );
    const withdrawn = await gate.acquire({
      operation: 'getServers',
      priority: 'interactive',
      sendId: sendId(),
      jobId: job.id!,
    });
    assert.equal(withdrawn.status, 'withdrawn');
    assert.equal(await redis.zcard(keys.sendLog('getServers')), 0);
    await queue.close();
  });

  it('does not withdraw a job a send was let through for', async () => {
    const queue = new Queue(keys.queueName('getServers'), queueOptions(redis, keys));
    const job = await queue.add(
      'getServers',
      { operation: 'getServers', input: {}, priority: 'interactive', submitter: 's', attempt: 1 },
      { priority: 1 },
    );
    await gate.acquire({
      operation: 'getServers',
      priority: 'interactive',
      sendId: sendId(),
      jobId: job.id!,
    });
    assert.equal(
      await gate.withdraw('getServers', job.id!, keys.sentMarker(job.queueName, job.id!)),
      false,
    );
    await queue.close();
  });

  it('keeps the reserve for interactive calls: background stops at its share, interactive goes on', async () => {
    const limit = limitPerMinute('getDepartments');
    const reserve = gate.budget('getDepartments').reserve;
    for (let i = 0; i < limit - reserve; i += 1) {
      // Spaced background sends: clear the schedule so the share fills at once.
      await redis.del(keys.backgroundSchedule('getDepartments'));
      assert.equal(
        (
          await gate.acquire({
            operation: 'getDepartments',
            priority: 'background',
            sendId: sendId(),
          })
        ).status,
        'granted',
      );
    }
    await redis.del(keys.backgroundSchedule('getDepartments'));
    assert.equal(
      (
        await gate.acquire({
          operation: 'getDepartments',
          priority: 'background',
          sendId: sendId(),
        })
      ).status,
      'wait',
      'background has used its share',
    );
    for (let i = 0; i < reserve; i += 1) {
      assert.equal(
        (
          await gate.acquire({
            operation: 'getDepartments',
            priority: 'interactive',
            sendId: sendId(),
          })
        ).status,
        'granted',
        'the reserve is there',
      );
    }
    assert.equal(
      (
        await gate.acquire({
          operation: 'getDepartments',
          priority: 'interactive',
          sendId: sendId(),
        })
      ).status,
      'wait',
      'and then the limit',
    );
  });

  it('puts the queue to sleep when it must wait, wakeable by an interactive call only for background reasons', async () => {
    const queueName = keys.queueName('getRosterContents');
    // Background sends are spaced: the second must wait its turn, though the budget has room.
    assert.equal(
      (
        await gate.acquire({
          operation: 'getRosterContents',
          priority: 'background',
          sendId: sendId(),
        })
      ).status,
      'granted',
    );
    const spaced = await gate.acquire({
      operation: 'getRosterContents',
      priority: 'background',
      sendId: sendId(),
    });
    assert.equal(spaced.status, 'wait');
    // BullMQ sleeps a queue while its limiter key holds at least the limiter's max.
    assert.equal(await redis.get(keys.limiter(queueName)), String(Number.MAX_SAFE_INTEGER));
    assert.ok((await redis.pttl(keys.limiter(queueName))) > 1_000);
    assert.equal(await gate.wake('getRosterContents'), true);
    assert.equal(await redis.exists(keys.limiter(queueName)), 0, 'woken for the interactive call');

    // A full budget is no reason to wake: the interactive call could not go either.
    for (let i = 0; i < limitPerMinute('getRosterContents'); i += 1)
      await gate.acquire({
        operation: 'getRosterContents',
        priority: 'interactive',
        sendId: sendId(),
      });
    assert.equal(
      (
        await gate.acquire({
          operation: 'getRosterContents',
          priority: 'interactive',
          sendId: sendId(),
        })
      ).status,
      'wait',
    );
    assert.equal(await gate.wake('getRosterContents'), false);
    assert.ok((await redis.pttl(keys.limiter(queueName))) > 1_000);
  });

  it('pauses the credential for a window when Redis loses its state (the send logs with it)', async () => {
    assert.equal(
      (await gate.acquire({ operation: 'getServers', priority: 'interactive', sendId: sendId() }))
        .status,
      'granted',
    );
    assert.equal(await redis.pttl(keys.pause), -2, 'a first start pauses nothing');
    // Redis restarted without persistence: the logs, the epoch and all are gone.
    await redis.flushdb();
    const after = await gate.acquire({
      operation: 'getServers',
      priority: 'interactive',
      sendId: sendId(),
    });
    assert.deepEqual([after.status, (after as { stateLost?: boolean }).stateLost], ['wait', true]);
    const paused = await redis.pttl(keys.pause);
    assert.ok(
      paused > settings.windowMs && paused <= settings.windowMs + settings.marginMs,
      `paused ${paused} ms`,
    );
    // Every other process sees the pause; a second look is no second loss.
    const other = new PacingGate(redis, keys, settings);
    const next = await other.acquire({
      operation: 'getServers',
      priority: 'interactive',
      sendId: sendId(),
    });
    assert.deepEqual(
      [next.status, (next as { stateLost?: boolean }).stateLost],
      ['wait', undefined],
    );
  });

  it('sees a loss of state it learned of at start, also once another process made a new epoch', async () => {
    await redis.del(keys.pause);
    // Two worker processes learn the epoch as they start; neither has sent anything yet.
    const first = new PacingGate(redis, keys, settings);
    const second = new PacingGate(redis, keys, settings);
    await first.learnEpoch('first');
    await second.learnEpoch('second');
    await redis.flushdb();
    // A process started after the loss makes a new epoch and cannot tell: it sends.
    const newcomer = new PacingGate(redis, keys, settings);
    await newcomer.learnEpoch('newcomer');
    await redis.del(keys.pause);
    for (const gate of [first, second]) {
      const decision = await gate.acquire({
        operation: 'getServers',
        priority: 'interactive',
        sendId: sendId(),
      });
      assert.deepEqual(
        [decision.status, (decision as { stateLost?: boolean }).stateLost],
        ['wait', true],
      );
    }
    assert.ok((await redis.pttl(keys.pause)) > settings.windowMs - 1_000, 'the credential paused');
  });

  it('keeps BullMQ event streams short', async () => {
    const queue = new Queue(keys.queueName('getServers'), queueOptions(redis, keys));
    await queue.waitUntilReady();
    assert.equal(
      await redis.hget(`${keys.bullPrefix}:${queue.name}:meta`, 'opts.maxLenEvents'),
      '100',
    );
    await queue.close();
  });
});

describe('a slot timer', () => {
  it('ends the request no later than the slot, and gives the slot back when too little is left', () => {
    let now = 1_000;
    const timer = new SlotTimer(10_000, () => now);
    now += 2_000;
    assert.equal(timer.timeLeftMs(), 8_000);
    assert.equal(timer.worthSending(), true);
    now += 6_000;
    assert.equal(timer.timeLeftMs(), 2_000);
    assert.equal(timer.worthSending(), false, 'a fifth of the timeout left');
  });
});
