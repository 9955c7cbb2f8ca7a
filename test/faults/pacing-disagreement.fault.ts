import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NodeProcess } from '../../bench/node-process.js';
import { startWorld, type ProcessWorld } from '../../bench/process-world.js';

/**
 * A worker started beside a running one with other pacing numbers (a rolling deploy that changed
 * them) would pace one shared budget two ways. It is refused: exit 1, naming the setting.
 */
describe('fault: processes that disagree on the pacing', () => {
  let world: ProcessWorld;
  let running: NodeProcess;

  before(async () => {
    world = await startWorld({ cms: { windowMs: 2_000 } });
    running = await world.spawnWorker({}, 'running worker');
  });
  after(() => world.stop());

  const cases: { env: Record<string, string>; names: RegExp }[] = [
    { env: { CMS_RATE_WINDOW_MS: '3000' }, names: /CMS_RATE_WINDOW_MS \(here 3000, there 2000\)/ },
    { env: { CMS_PACING_MARGIN_MS: '500' }, names: /CMS_PACING_MARGIN_MS \(here 500, there 34\)/ },
    {
      env: { CMS_INTERACTIVE_RESERVE: '0.2' },
      names: /CMS_INTERACTIVE_RESERVE \(here 0.2, there 0.1\)/,
    },
    { env: { CMS_V1_LIMITS: 'v1.kickAccount=5' }, names: /the per-minute limits \(CMS_V1_LIMITS/ },
  ];

  for (const { env, names } of cases) {
    it(`refuses a worker with another ${Object.keys(env)[0]}, naming it`, async () => {
      const refused = world.spawnWorkerUnchecked(env, `worker with ${JSON.stringify(env)}`);
      const [code] = await refused.exited;
      assert.equal(code, 1, refused.output());
      const fatal = refused.lines().find((line) => line.level === 60);
      const message = String((fatal?.err as { message?: string } | undefined)?.message);
      assert.match(
        message,
        /another process sharing this Redis paces the CMS calls with other settings/,
      );
      assert.match(message, names);
      assert.ok(running.child.exitCode === null, 'the running worker carries on');
    });
  }

  it('still takes a worker with the same settings', async () => {
    const same = await world.spawnWorker({}, 'worker with the same settings');
    assert.ok(same.child.exitCode === null);
  });
});
