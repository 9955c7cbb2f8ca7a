import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { freePort, startLocalRedis } from '../../src/dev/redis-server.js';
import { createLogger } from '../../src/logger.js';
import { startCmsQueue } from '../../src/queue/index.js';

/** `npm run worker` (and `npm start`) as a child process, with only the given settings. */
function spawnWorker(env: Record<string, string>) {
  // Empty values count as unset and keep a developer's .env from filling these in.
  const unset = Object.fromEntries(
    [
      'CMS_API_URL',
      'CMS_API_KEY',
      'CMS_COMMUNITY_ID',
      'CMS_RATE_WINDOW_MS',
      'DISCORD_TOKEN',
      'DISCORD_CLIENT_ID',
      'DISCORD_GUILD_ID',
      'AUDIT_CHANNEL_ID',
    ].map((name) => [name, '']),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    env: { ...process.env, ...unset, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters.filter((w) => w.test())) waiter.resolve();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const messages = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
  return {
    child: child as ChildProcessWithoutNullStreams,
    output: () => output,
    messages,
    exited,
    /** Resolves once the output passes `test`; fails early if the worker exits first. */
    until: (test: () => boolean, what: string) =>
      new Promise<void>((resolve, reject) => {
        if (test()) return resolve();
        waiters.push({ test, resolve });
        void exited.then(([code]) =>
          reject(new Error(`the worker exited (${code}) before ${what}:\n${output}`)),
        );
      }),
  };
}

describe('worker', () => {
  it('says once that Redis is unreachable, retries quietly, and stops at once on SIGTERM', async () => {
    const port = await freePort(); // nothing listens there
    const worker = spawnWorker({
      SANDBOX: 'true',
      LOG_LEVEL: 'debug',
      REDIS_URL: `redis://:hidden-redis-pass@127.0.0.1:${port}`,
    });
    const retries = () => worker.messages().filter((msg) => msg === 'retrying Redis').length;
    await worker.until(() => retries() >= 3, 'three retries');

    const problems = worker
      .messages()
      .filter((msg) => /Redis/.test(msg) && msg !== 'retrying Redis');
    assert.deepEqual(problems, [
      `Redis at redis://:[redacted]@127.0.0.1:${port} is unreachable (ECONNREFUSED); is redis-server running? check REDIS_URL`,
    ]);
    // Retries are debug lines: at the default level (info) the outage is that one line.
    assert.ok(
      worker
        .output()
        .split('\n')
        .filter((line) => line.includes('retrying Redis'))
        .every((line) => line.includes('"level":20')),
    );

    const started = Date.now();
    worker.child.kill('SIGTERM');
    const [code] = await worker.exited;
    assert.equal(code, 0, worker.output());
    assert.ok(Date.now() - started < 5_000, 'it did not wait out a retry or a timeout');
    assert.doesNotMatch(worker.output(), /hidden-redis-pass/);
  });

  it('with SANDBOX=true and no CMS settings, sends the queued calls to a built-in CMS emulator', async () => {
    const redis = await startLocalRedis({ persist: false });
    const worker = spawnWorker({ SANDBOX: 'true', LOG_LEVEL: 'info', REDIS_URL: redis.url });
    const config = loadConfig({ SANDBOX: 'true', REDIS_URL: redis.url });
    const logger = createLogger({
      level: 'silent',
      destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
    });
    const { queue, close } = await startCmsQueue(config, logger);
    try {
      await worker.until(() => worker.messages().includes('CMS workers ready'), 'it was ready');
      assert.ok(
        worker.messages().includes('SANDBOX: CMS calls go to the built-in CMS emulator'),
        worker.output(),
      );
      // One of the bot's own operations: a worker serves those by default.
      const departments = await queue.call('getDepartments', {});
      assert.ok(departments.length > 0);
    } finally {
      await close();
      worker.child.kill('SIGTERM');
      const [code] = await worker.exited;
      await redis.stop();
      assert.equal(code, 0, worker.output());
    }
    assert.ok(worker.messages().includes('stopping CMS workers'));
  });
});
