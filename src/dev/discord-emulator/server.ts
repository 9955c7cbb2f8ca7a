import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { DiscordError, notFound, unauthorized } from './errors.js';
import type { RestFaults } from './faults.js';
import { auditReason, readBody, sendJson } from './http.js';
import type { RateLimiter, RateLimitRule } from './rate-limits.js';
import { matchRoute, type RestContext } from './rest-routes.js';
import type { RequestRecord } from './types.js';

export interface RestServerOptions {
  host: string;
  token: string;
  rules: { messages: RateLimitRule | false; default: RateLimitRule | false };
  limiter: RateLimiter;
  faults: RestFaults;
  context: RestContext;
  now: () => number;
  onRequest: (record: RequestRecord) => void;
  /** An emulator bug (not a Discord error): answered 500 and reported here. */
  onInternalError: (error: unknown) => void;
}

const API_PREFIX = '/api/v10';

/**
 * The REST side: one HTTP server under /api/v10 with auth, rate limits and injected faults in
 * front of the routes. It can be stopped and started again on the same port (Discord down).
 */
export class RestServer {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly options: RestServerOptions) {}

  async start(port = this.port): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => void this.serve(req, res));
    server.keepAliveTimeout = 5_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.host, () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Closes the port and every open connection: clients see refused connections until `start()`. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { options } = this;
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname.startsWith(`${API_PREFIX}/`)
      ? url.pathname.slice(API_PREFIX.length)
      : url.pathname;
    const match = url.pathname.startsWith(`${API_PREFIX}/`)
      ? matchRoute(method, path)
      : { route: null, methodNotAllowed: false };
    const record: RequestRecord = {
      method,
      path: decodePath(path),
      route: match.route?.name ?? null,
      status: 0,
      at: options.now(),
    };
    let headers: Record<string, string> = {};
    const answer = (status: number, body?: unknown): void => {
      record.status = status;
      if (body && typeof body === 'object' && 'code' in body && status >= 400)
        record.code = Number((body as { code: unknown }).code);
      sendJson(res, status, body, headers);
      options.onRequest(record);
    };
    try {
      const body = await readBody(req);
      const fault = options.faults.draw(method, record.route, path);
      if (fault.delayMs > 0) await sleep(fault.delayMs);
      if (fault.failStatus !== null)
        return answer(fault.failStatus, {
          message: `${fault.failStatus}: Injected failure`,
          code: 0,
        });
      if (!match.route) {
        return match.methodNotAllowed
          ? answer(405, { message: '405: Method Not Allowed', code: 0 })
          : answer(404, notFound().body());
      }
      const { route, params } = match;
      if (route.auth && req.headers.authorization !== `Bot ${options.token}`) throw unauthorized();
      const rule =
        route.bucket === 'messages'
          ? options.rules.messages
          : route.bucket === 'default'
            ? options.rules.default
            : false;
      if (rule) {
        const decision = options.limiter.take(route.name, route.major(params), rule);
        headers = decision.headers;
        if (!decision.allowed) {
          return answer(429, {
            message: 'You are being rate limited.',
            retry_after: Number(((decision.retryAfterMs ?? 0) / 1000).toFixed(3)),
            global: false,
          });
        }
      }
      const result = route.handle(options.context, {
        params,
        query: url.searchParams,
        body,
        reason: auditReason(req),
      });
      answer(result.status, result.body);
    } catch (error) {
      if (error instanceof DiscordError) return answer(error.status, error.body());
      options.onInternalError(error);
      answer(500, { message: '500: Internal Server Error', code: 0 });
    }
  }
}

function decodePath(path: string): string {
  try {
    return decodeURI(path).replace(/%40/gi, '@');
  } catch {
    return path;
  }
}

/** A bare HTTP server for the gateway's WebSocket upgrades, on its own port. */
export async function listenGatewayServer(host: string, port: number): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end('WebSocket upgrade required');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
