import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../../src/dev/redis-server.js';
import { waitFor } from '../../helpers/queue-harness.js';

/** A throwaway three-node Redis Cluster (no replicas) on free ports, for the cluster test. */
export interface LocalRedisCluster {
  /** `redis+cluster://127.0.0.1:<first node>`: what REDIS_URL says for a cluster. */
  url: string;
  ports: number[];
  stop(): Promise<void>;
}

/** Why a cluster cannot be started here, or null when it can. */
export function clusterUnavailable(): string | null {
  for (const binary of ['redis-server', 'redis-cli'])
    if (spawnSync(binary, ['--version'], { stdio: 'ignore' }).status !== 0)
      return `${binary} is not on the PATH`;
  return null;
}

export async function startLocalRedisCluster(): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'sonoran-cluster-'));
  const nodes: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(
      nodes
        .filter((node) => node.exitCode === null && node.signalCode === null)
        .map((node) => {
          const exited = once(node, 'exit');
          node.kill('SIGKILL');
          return exited;
        }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3; i += 1) {
      const port = await freePort();
      ports.push(port);
      nodes.push(
        spawn(
          'redis-server',
          [
            ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
            ...['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`],
            ...['--cluster-node-timeout', '5000', '--dir', dir],
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    for (const port of ports) await waitFor(() => pings(port), 10_000, `node ${port} to answer`);
    // Spreads the 16384 slots over the three nodes and has them meet.
    const create = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (create.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${create.stderr || create.stdout}`);
    for (const port of ports)
      await waitFor(() => clusterOk(port), 15_000, `node ${port} to see the cluster as ok`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis+cluster://127.0.0.1:${ports[0]}`, ports, stop };
}

async function withNode<T>(port: number, use: (node: Redis) => Promise<T>): Promise<T | false> {
  const node = new Redis({
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  node.on('error', () => {});
  try {
    await node.connect();
    return await use(node);
  } catch {
    return false;
  } finally {
    node.disconnect();
  }
}

async function pings(port: number): Promise<boolean> {
  return (await withNode(port, (node) => node.ping())) === 'PONG';
}

async function clusterOk(port: number): Promise<boolean> {
  const info = await withNode(port, (node) => node.cluster('INFO'));
  return typeof info === 'string' && info.includes('cluster_state:ok');
}
