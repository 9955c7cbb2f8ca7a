import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXAMPLE } from '../../src/cms/catalog/examples.js';
import { CmsError } from '../../src/cms/errors.js';
import { BOT_OPERATIONS } from '../../src/cms/service/operations.js';
import { loadConfig } from '../../src/config.js';
import { startCmsQueue, startCmsWorkers } from '../../src/queue/index.js';
import { ServedOperations } from '../../src/queue/served-operations.js';
import { startQueueHarness, statsFor, type QueueHarness } from '../helpers/queue-harness.js';

/** Redis clients connected right now, as Redis itself counts them. */
async function connectedClients(harness: QueueHarness): Promise<number> {
  const list = await harness.redisClient().client('LIST');
  return String(list).trim().split('\n').length;
}

describe('which operations a process serves', () => {
  let harness: QueueHarness;

  before(async () => {
    harness = await startQueueHarness();
  });
  after(() => harness.stop());

  it("runs workers for the bot's own operations only, in at most 30 Redis connections with its queue", async () => {
    const before = await connectedClients(harness);
    const workers = await startCmsWorkers(harness.config, harness.logger);
    const queue = await startCmsQueue(harness.config, harness.logger);
    const opened = (await connectedClients(harness)) - before;
    assert.deepEqual([...workers.workers.operations], [...BOT_OPERATIONS]);
    assert.ok(opened <= 30, `a bot process opens ${opened} Redis connections`);

    // A call nobody serves fails at once, clearly, instead of waiting forever.
    await assert.rejects(
      queue.queue.submit('getRosterContents', { params: { rosterId: 1 } }),
      (error: unknown) => {
        assert.ok(error instanceof CmsError);
        assert.equal(error.kind, 'no-worker');
        assert.match(error.message, /no CMS worker process serves this operation/);
        return true;
      },
    );
    assert.equal(statsFor(harness.emulator, 'getRosterContents'), undefined);
    const account = await queue.queue.call('searchAccounts', {
      query: { discord: EXAMPLE.discordId },
    });
    assert.equal(account.items.length, 1);

    await workers.close();
    // Closing withdraws the announcement: a submitter that asks now hears nobody serves it.
    const served = new ServedOperations(harness.redisClient(), harness.keys);
    assert.equal(await served.isServed('searchAccounts'), false);
    await queue.close();
  });

  it('tells waiting callers the truth when it closes: a write may still happen, a read can be asked again', async () => {
    const { queue, close } = await startCmsQueue(harness.config, harness.logger);
    // Announced by a worker that never takes the jobs: they wait.
    await new ServedOperations(harness.redisClient(), harness.keys).announce('a-silent-worker', [
      'createRsvp',
      'getCommunity',
    ]);
    const write = await queue.submit('createRsvp', {
      params: { eventId: EXAMPLE.eventId },
      body: { accId: EXAMPLE.accountId },
    });
    const read = await queue.submit('getCommunity', {});
    await close();
    await assert.rejects(write.result, (error: CmsError) => error.kind === 'uncertain');
    await assert.rejects(
      read.result,
      (error: CmsError) => error.kind === 'network' && error.transient,
    );
  });

  it('refuses to run workers beside a process pacing by other numbers (a rolling deploy)', async () => {
    const first = await startCmsWorkers(harness.config, harness.logger);
    const otherWindow = loadConfig({
      ...harness.env,
      CMS_RATE_WINDOW_MS: '30000',
      CMS_API_URL: harness.emulator.url,
    });
    await assert.rejects(startCmsWorkers(otherWindow, harness.logger), (error: Error) => {
      assert.equal(error.name, 'PacingDisagreement');
      assert.match(error.message, /CMS_RATE_WINDOW_MS \(here 30000, there 60000\)/);
      return true;
    });
    // The same settings are welcome; once the first has stopped, so are new ones.
    const same = await startCmsWorkers(harness.config, harness.logger);
    await same.close();
    await first.close();
    const next = await startCmsWorkers(otherWindow, harness.logger);
    await next.close();
  });
});
