import type { Logger } from '../logger.js';
import type { OpsMetrics } from './metrics.js';
import { createOpsServer } from './server.js';
import type { BotStatusReader } from './status.js';

export { OpsMetrics } from './metrics.js';
export { countingIntake, countPushRefusals } from './push-metrics.js';
export { BotStatusReader, busyOperations, type BotStatus } from './status.js';

/** What the bot's commands and handlers use of operations: the metrics hooks and the status. */
export interface BotOps {
  metrics: OpsMetrics;
  status: BotStatusReader;
}

/** Serves /healthz, /readyz and /metrics on `port` (0: any free one); answers its base URL. */
export async function listenOps(
  ops: BotOps,
  where: { port: number; host: string },
  logger: Logger,
): Promise<{ url: string; close(): Promise<void> }> {
  const app = createOpsServer({ ...ops, logger });
  await app.listen({ port: where.port, host: where.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : where.port;
  const host = where.host === '0.0.0.0' || where.host === '::' ? '127.0.0.1' : where.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url }, 'serving /healthz, /readyz and /metrics');
  return { url, close: () => app.close() };
}
