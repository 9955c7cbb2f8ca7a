import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CmsClient } from '../../src/cms/client.js';
import { limitPerMinute } from '../../src/cms/catalog/index.js';
import { recordArrivals } from './helpers/arrivals.js';
import { requestsOf, settled } from './helpers/checks.js';
import type { NodeProcess } from '../../bench/node-process.js';
import { startWorld, type ProcessWorld } from '../../bench/process-world.js';

const RETRY_AFTER_S = 2;
const PAUSED = 'CMS answered 429: credential paused for all processes';

/**
 * Another app on the same API key spends a budget behind the bot's back; the bot's next call
 * meets a 429. Worker A (which met it) pauses the whole credential in Redis; worker B, another
 * process sending another operation, must stay away just as long: Retry-After plus the margin.
 */
describe('fault: an unexpected 429', () => {
  let world: ProcessWorld;
  let a: NodeProcess;

  before(async () => {
    world = await startWorld({
      // Going over a limit blocks the credential for RETRY_AFTER_S; a call during it gets a 429.
      cms: { windowMs: 2_000, blockSeconds: RETRY_AFTER_S },
    });
    [a] = await Promise.all([
      world.spawnWorker({ CMS_WORKER_OPERATIONS: 'getDepartments' }, 'worker A'),
      world.spawnWorker({ CMS_WORKER_OPERATIONS: 'getServers' }, 'worker B'),
    ]);
  });
  after(() => world.stop());

  it('pauses every process for Retry-After plus the margin', async () => {
    const queue = await world.startQueue();
    const arrivals = recordArrivals(world.cms);
    await queue.call('getServers', {}); // B is live and not held back by anything yet

    const otherApp = new CmsClient({ ...world.config.cms, timeoutMs: 5_000 });
    for (let i = 0; i < limitPerMinute('getDepartments'); i += 1)
      await otherApp.call('getDepartments', {});
    const departments = await queue.submit('getDepartments', {});
    const paused = await a.logged(PAUSED);
    const refusedAt = arrivals.find((arrival) => !arrival.admitted)!.at;
    const pauseMs = RETRY_AFTER_S * 1000 + world.config.pacing.marginMs;
    assert.equal(paused.pauseMs, pauseMs, 'Retry-After plus the margin');
    assert.equal(paused.operation, 'getDepartments', 'the line names the operation');

    // B's calls, queued while the credential is paused, leave only once the pause is over.
    const servers = await Promise.all(
      Array.from({ length: 5 }, () => queue.submit('getServers', {})),
    );
    await settled(
      Promise.all([departments.result, ...servers.map((ticket) => ticket.result)]),
      15_000,
      'the calls queued around the 429',
    );
    const afterRefusal = arrivals.filter((arrival) => arrival.at > refusedAt);
    assert.equal(afterRefusal.length, 6, 'the five reads and the call sent again');
    for (const arrival of afterRefusal)
      assert.ok(
        arrival.at >= refusedAt + pauseMs - 5,
        `${arrival.operation} sent ${arrival.at - refusedAt} ms after the 429, within the ${pauseMs} ms pause`,
      );
    assert.equal(requestsOf(world.cms, 'getServers'), 6, 'every read sent once');
    for (const row of world.cms.limiter.stats())
      assert.equal(row.rateLimited, row.operation === 'getDepartments' ? 1 : 0, row.operation);
  });
});
