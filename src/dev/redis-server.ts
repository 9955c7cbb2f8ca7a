import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/**
 * A throwaway Redis: its own `redis-server` on a free port when the binary is on the PATH (so
 * tests, benchmarks and the sandbox never touch a real Redis), else REDIS_URL. Development only.
 */
export interface LocalRedis {
  url: string;
  /** Whether this Redis was started here (and may be stopped and restarted). */
  owned: boolean;
  /** Stops and starts the server on the same port, keeping its data (append-only file). */
  restart(options?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
  /** Kills the server and removes its folder at once, for an exit that cannot wait. */
  kill(): void;
}

export interface LocalRedisOptions {
  /** Append-only persistence so a restart keeps the data (default); throughput runs turn it off. */
  persist?: boolean;
  /** Starts the server with `--requirepass`; the URL then carries the password. */
  password?: string;
}

export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPing(
  url: string,
  child: ChildProcess | null,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A server that exited (its port was taken meanwhile) will never answer: say so at once.
    if (child && (child.exitCode !== null || child.signalCode !== null))
      throw new Error('redis-server exited before it answered');
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      client.disconnect();
    }
  }
}

export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  if (!redisServerAvailable()) {
    const url = process.env.REDIS_URL;
    if (!url)
      throw new Error(
        'Needs redis-server on the PATH (apt-get install redis-server) or REDIS_URL pointing at a Redis.',
      );
    const notOwned = async () => {
      throw new Error('cannot restart a shared Redis');
    };
    return { url, owned: false, restart: notOwned, stop: async () => {}, kill: () => {} };
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sonoran-redis-'));
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  const url = `redis://${auth}127.0.0.1:${port}`;
  let child: ChildProcess;
  const launch = () => {
    // Persisting (append-only, fsync always) lets a restart keep the data; throughput runs skip it.
    const persistence =
      options.persist === false
        ? ['--appendonly', 'no']
        : ['--appendonly', 'yes', '--appendfsync', 'always'];
    const password = options.password === undefined ? [] : ['--requirepass', options.password];
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        ...persistence,
        ...password,
        '--dir',
        dir,
      ],
      {
        stdio: 'ignore',
      },
    );
  };
  const halt = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const stop = async () => {
    await halt();
    rmSync(dir, { recursive: true, force: true });
  };
  launch();
  try {
    await waitForPing(url, child!);
  } catch (error) {
    // Whatever went wrong, leave no server or folder behind.
    await stop();
    throw error;
  }
  return {
    url,
    owned: true,
    restart: async ({ downMs = 0 } = {}) => {
      await halt();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      launch();
      await waitForPing(url, child);
    },
    stop,
    kill: () => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
