import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/** The README's quick start: `npm run sandbox` works with nothing configured. */
describe('sandbox', () => {
  it('runs the CMS side of the bot against the embedded emulator and a throwaway Redis', async () => {
    // Only the tour: `--once` exits after it; port 0 avoids clashing with a sandbox you run yourself.
    const child = spawn('npm', ['run', '--silent', 'sandbox', '--', '--once', '--port', '0'], {
      env: { ...process.env, CMS_API_KEY: '', DISCORD_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, output);
    assert.match(output, /Sandbox ready/);
    assert.match(output, /Discord user 734918273645019283 is Tom Brooks in the CMS/);
    assert.match(
      output,
      /Clocked Tom Brooks in \(patrol\); Get Current Clock In now says: on duty since/,
    );
    assert.match(output, /Queued 18 roster reads \(limit 9 per window/);
    assert.match(output, /Tour done: 5 CMS requests sent, 0 refused for rate limits\./);
  });
});

/**
 * However the sandbox ends, it leaves no redis-server and no temp folder behind. Each run gets
 * its own TMPDIR, so the redis-server it starts (working in `<TMPDIR>/sonoran-redis-…`, read from
 * /proc) and the folder are its own, whoever else runs tests on this machine.
 */
describe('sandbox cleanup', () => {
  function runSandbox(args: string[]) {
    const tmp = mkdtempSync(join(tmpdir(), 'sandbox-cleanup-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/cli.ts', ...args], {
      env: { ...process.env, TMPDIR: tmp, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const listeners: (() => void)[] = [];
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const listener of listeners) listener();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const exited = once(child, 'exit') as Promise<[number | null]>;
    return {
      child,
      output: () => output,
      exited,
      until: (text: string) =>
        new Promise<void>((resolve, reject) => {
          const check = () => output.includes(text) && resolve();
          listeners.push(check);
          check();
          void exited.then(() => reject(new Error(`exited before printing "${text}":\n${output}`)));
        }),
      /** redis-servers working in a folder of this run's TMPDIR (their --dir), wherever they were reparented. */
      redisServers: () =>
        spawnSync('pgrep', ['-x', 'redis-server'], { encoding: 'utf8' })
          .stdout.split('\n')
          .filter(Boolean)
          .map(Number)
          .filter((pid) => {
            try {
              return readlinkSync(`/proc/${pid}/cwd`).startsWith(tmp);
            } catch {
              return false; // gone meanwhile
            }
          }),
      leftFolders: () => readdirSync(tmp).filter((name) => name.startsWith('sonoran-redis-')),
      dispose: () => rmSync(tmp, { recursive: true, force: true }),
    };
  }

  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('stops its redis-server when the emulator port is taken, and says which flag to change', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const run = runSandbox(['--once', '--port', String(port)]);
    try {
      const [code] = await run.exited;
      assert.equal(code, 1, run.output());
      assert.match(run.output(), new RegExp(`Port ${port} is taken .*--port`));
      assert.deepEqual(run.redisServers(), []);
      assert.deepEqual(run.leftFolders(), []);
    } finally {
      taken.close();
      run.dispose();
    }
  });

  it('names a bad flag, not an environment variable, and starts nothing', async () => {
    for (const [args, message] of [
      [['--window-ms', '1.5'], /--window-ms must be a whole number of ms/],
      [['--port', 'http'], /--port must be a whole number from 0 to 65535/],
      [['--prot', '4545'], /Unknown option '--prot'/],
    ] as const) {
      const run = runSandbox([...args]);
      try {
        const [code] = await run.exited;
        assert.equal(code, 2, run.output());
        assert.match(run.output(), message);
        assert.doesNotMatch(run.output(), /CMS_RATE_WINDOW_MS|Sandbox ready/);
        assert.deepEqual(run.redisServers(), []);
        assert.deepEqual(run.leftFolders(), []);
      } finally {
        run.dispose();
      }
    }
  });

  it('stops everything it started on SIGINT during the tour', async () => {
    const run = runSandbox(['--port', '0']);
    try {
      await run.until('Sandbox ready');
      const [redisPid] = run.redisServers();
      assert.ok(redisPid && alive(redisPid), 'its redis-server is running');
      assert.equal(
        spawnSync('pgrep', ['-x', '-P', String(run.child.pid), 'redis-server'])
          .stdout.toString()
          .trim(),
        String(redisPid),
        'as its child',
      );
      assert.equal(run.leftFolders().length, 1);

      run.child.kill('SIGINT');
      const [code] = await run.exited;
      assert.equal(code, 0, run.output());
      assert.equal(alive(redisPid), false, 'its redis-server is gone');
      assert.deepEqual(run.redisServers(), []);
      assert.deepEqual(run.leftFolders(), []);
    } finally {
      run.dispose();
    }
  });
});
