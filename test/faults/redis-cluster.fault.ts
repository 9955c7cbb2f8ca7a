import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { assertPacingHeld, requestsOf, settled } from './helpers/checks.js';
import {
  clusterUnavailable,
  startLocalRedisCluster,
  type LocalRedisCluster,
} from './helpers/redis-cluster.js';
import { startWorld, type ProcessWorld } from '../../bench/process-world.js';

const unavailable = clusterUnavailable();

/**
 * The bot, a worker and a submitter on a three-node Redis Cluster (REDIS_URL=redis+cluster://…):
 * every key of the credential in one slot, the pacing held, a member answered.
 */
// The skip reason is printed in the test report ("# SKIP <reason>").
describe('Redis Cluster', { skip: unavailable ?? false }, () => {
  let cluster: LocalRedisCluster;
  let world: ProcessWorld;

  before(async () => {
    cluster = await startLocalRedisCluster();
    world = await startWorld({
      redis: { url: cluster.url },
      cms: { windowMs: 2_000, blockSeconds: 3600 },
    });
    await Promise.all([world.spawnBot(), world.spawnWorker()]);
  });
  after(async () => {
    await world?.stop();
    await cluster?.stop();
  });

  it('paces queued calls, answers a member, and keeps every key in the credential’s slot', async () => {
    const queue = await world.startQueue();
    const tickets = await Promise.all([
      ...Array.from({ length: 30 }, () =>
        queue.submit('getDepartments', {}, { priority: 'background' }),
      ),
      ...Array.from({ length: 5 }, (_, i) =>
        queue.submit('addMemberRecord', {
          params: { accountId: SANDBOX_MEMBERS.civilian },
          body: { points: 1, reason: `cluster write ${i}` },
        }),
      ),
    ]);
    await settled(Promise.all(tickets.map((t) => t.result)), 30_000, 'the queued calls');
    assertPacingHeld(world.cms);
    assert.equal(requestsOf(world.cms, 'addMemberRecord'), 5, 'each write sent once');

    const status = world.discord.slashCommand({
      user: SANDBOX_GUILD.users.officer,
      guildId: SANDBOX_GUILD.guild,
      channelId: SANDBOX_GUILD.channels.general,
      name: 'clockin',
      subcommand: 'status',
    });
    const reply = await status.reply((m) => !m.loading, 15_000);
    assert.match(reply.embeds[0]?.title ?? reply.content, /duty/i);

    // The hash tag at work: whatever the bot and its queues wrote is in one slot of one node.
    const nodes = cluster.ports.map((port) => new Redis({ port }));
    try {
      const slot = await nodes[0]!.cluster('KEYSLOT', world.keys.namespace);
      const inSlot = await Promise.all(nodes.map((n) => n.cluster('COUNTKEYSINSLOT', slot)));
      const all = await Promise.all(nodes.map((n) => n.dbsize()));
      const total = all.reduce((sum, count) => sum + count, 0);
      assert.ok(total > 0);
      assert.equal(
        inSlot.reduce((sum, count) => sum + count, 0),
        total,
        'no key elsewhere',
      );
      assert.equal(all.filter((count) => count > 0).length, 1, 'on one node');
    } finally {
      for (const node of nodes) node.disconnect();
    }
  });
});
