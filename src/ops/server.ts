import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../logger.js';
import type { OpsMetrics } from './metrics.js';
import type { BotStatusReader } from './status.js';

export interface OpsServerOptions {
  metrics: OpsMetrics;
  status: BotStatusReader;
  logger: Logger;
}

/**
 * The operations endpoints, on a port of their own (OPS_PORT), never the push receiver's:
 * - `GET /healthz`: 200 while the process runs (liveness; checks nothing else);
 * - `GET /readyz`: 200 or 503 with the checks as JSON (see readiness.ts);
 * - `GET /metrics`: Prometheus text; the gauges are read fresh at each scrape.
 * None of them calls the CMS. Not for the internet: bind it to loopback or a private network.
 */
export function createOpsServer(options: OpsServerOptions): FastifyInstance {
  const { metrics, status, logger } = options;
  const app = Fastify({ logger: false });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
  app.setErrorHandler((error, _request, reply) => {
    logger.error({ err: error }, 'an ops endpoint failed');
    return reply.code(500).send({ error: 'internal error' });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const readiness = await status.readiness();
    return reply.code(readiness.ready ? 200 : 503).send({
      status: readiness.ready ? 'ready' : 'not ready',
      failed: readiness.failed,
      checks: readiness.checks,
    });
  });

  app.get('/metrics', async (_request, reply) => {
    metrics.observe(await status.snapshot());
    return reply.type(metrics.contentType).send(await metrics.text());
  });
  return app;
}
