import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import type { NodeProcess } from '../../bench/node-process.js';
import { startWorld, type ProcessWorld } from '../../bench/process-world.js';
import {
  assertPacingHeld,
  auditProducer,
  noticesShown,
  requestsOf,
  settled,
} from './helpers/checks.js';
import { waitFor } from '../helpers/queue-harness.js';

const READS = 30;
const WRITES = 6;
const NOTICES = 24;
const AUDIT_POSTS = new RegExp(`^POST /channels/${SANDBOX_GUILD.channels.audit}/messages$`);

/**
 * A Redis restart with the persistence the README recommends (append-only, fsync on every write),
 * in the middle of a burst of CMS calls and audit notices, under the real bot and a real worker.
 */
describe('fault: Redis restarts mid-burst (appendonly, appendfsync always)', () => {
  let world: ProcessWorld;
  let bot: NodeProcess;
  let worker: NodeProcess;

  before(async () => {
    world = await startWorld({
      redis: { persist: true },
      cms: { windowMs: 1_000, blockSeconds: 3600 },
    });
    [bot, worker] = await Promise.all([world.spawnBot(), world.spawnWorker()]);
  });
  after(() => world.stop());

  it('loses nothing, sends nothing twice, and the bot answers again by itself', async (t) => {
    if (!world.redis?.owned) return t.skip('needs a redis-server of its own to restart');
    const queue = await world.startQueue();
    const audit = auditProducer(world.redisUrl, world.keys.namespace);
    // The bot reads the departments once as it starts (its autocomplete cache).
    await waitFor(() => requestsOf(world.cms, 'getDepartments') === 1, 10_000, 'the start-up read');
    const readsBefore = 1;
    try {
      const reads = await Promise.all(
        Array.from({ length: READS }, () =>
          queue.submit('getDepartments', {}, { priority: 'background' }),
        ),
      );
      const writes = await Promise.all(
        Array.from({ length: WRITES }, (_, i) =>
          queue.submit('addMemberRecord', {
            params: { accountId: SANDBOX_MEMBERS.civilian },
            body: { points: 1, reason: `restart write ${i}` },
          }),
        ),
      );
      // Posts take a moment, so notices are still queued (or on their way) when Redis goes.
      const undoDelay = world.discord.delayRest({ routes: [AUDIT_POSTS], ms: 300 });
      for (let n = 1; n <= NOTICES / 2; n += 1) await audit.record(n);
      // Mid-burst: some of each have gone out, most have not.
      await waitFor(
        () =>
          requestsOf(world.cms, 'getDepartments') - readsBefore >= 8 &&
          noticesShown(world.discord).length > 0,
        15_000,
        'the burst to be under way',
      );
      assert.ok(
        requestsOf(world.cms, 'getDepartments') - readsBefore < READS &&
          noticesShown(world.discord).length < NOTICES / 2,
        'the restart is mid-burst',
      );

      await world.redis.restart({ downMs: 500 });
      undoDelay();
      // Recorded while the bot may still be reconnecting: they wait for it, in order.
      for (let n = NOTICES / 2 + 1; n <= NOTICES; n += 1) await audit.record(n);

      const results = await settled(
        Promise.all([...reads, ...writes].map((ticket) => ticket.result)),
        30_000,
        'every queued call',
      );
      assert.equal(results.length, READS + WRITES, 'every call answered');
      await waitFor(
        () => noticesShown(world.discord).length >= NOTICES,
        30_000,
        'every audit notice',
      );

      assert.equal(
        requestsOf(world.cms, 'getDepartments') - readsBefore,
        READS,
        'each read sent once',
      );
      assert.equal(requestsOf(world.cms, 'addMemberRecord'), WRITES, 'each write sent once');
      for (let i = 0; i < WRITES; i += 1) {
        const stored = world.cms.community.data.records.filter(
          (record) => record.reason === `restart write ${i}`,
        );
        assert.equal(stored.length, 1, `write ${i} applied once`);
      }
      assertPacingHeld(world.cms);
      assert.deepEqual(
        noticesShown(world.discord),
        Array.from({ length: NOTICES }, (_, i) => i + 1),
        'each notice posted once, in the order recorded',
      );

      // The bot came back by itself: it says so, and answers a member.
      await bot.logged(/is reachable again$/);
      const status = world.discord.slashCommand({
        user: SANDBOX_GUILD.users.officer,
        guildId: SANDBOX_GUILD.guild,
        channelId: SANDBOX_GUILD.channels.general,
        name: 'clockin',
        subcommand: 'status',
      });
      const reply = await status.reply((m) => m.embeds.length > 0, 15_000);
      assert.match(reply.embeds[0]?.title ?? '', /duty/i);
      assert.ok(worker.child.exitCode === null, 'the worker rode it out');
    } finally {
      await audit.close();
    }
  });
});
