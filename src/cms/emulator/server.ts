import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import {
  assertV1LimitOverrides,
  getOperation,
  limitPerMinute,
  operationNames,
  type OperationName,
  type V1Operation,
  type V2Operation,
} from '../catalog/index.js';
import { describeIssue } from '../errors.js';
import { fingerprint } from '../fingerprint.js';
import { handleAdminRequest } from './admin-routes.js';
import { parseJsonOrUndefined } from '../json.js';
import { readBody, send } from './http.js';
import { Community } from './community.js';
import { Faults, type FaultSettings } from './faults.js';
import { handlers, type Handler } from './handlers/index.js';
import { CmsProblem } from './problem.js';
import { PushSender } from './push-sender.js';
import { SlidingWindowRateLimiter } from './rate-limiter.js';
import { SANDBOX_API_KEY, SANDBOX_COMMUNITY_ID, sandboxCommunity } from './seed.js';
import { accountUpdatedPushData } from './views.js';

export interface CmsEmulatorOptions {
  port?: number;
  host?: string;
  apiKey?: string;
  communityId?: string;
  /** Length of the rate window; shrink it to run pacing tests in seconds. Default one minute. */
  windowMs?: number;
  /** How long going over a limit blocks the credential. Default 3600 s, as in production. */
  blockSeconds?: number;
  /** Per-minute limits for v1 operations without a v2 twin, as the bot configures them. */
  v1Limits?: Record<string, number>;
  /** Meter each v1 operation apart from its v2 twin. Default: twins share one window. */
  separateTwins?: boolean;
  faults?: Partial<FaultSettings>;
  /** Where push events go (the bot's receiver); none are sent without it. */
  pushUrl?: string;
  logger?: Logger;
}

export interface CmsEmulator {
  url: string;
  apiKey: string;
  communityId: string;
  community: Community;
  faults: Faults;
  limiter: SlidingWindowRateLimiter;
  push: PushSender | null;
  /** Puts the seeded community back and forgets rate-limit history and blocks. */
  reset(): void;
  close(): Promise<void>;
}

interface V2Route {
  name: OperationName;
  operation: V2Operation;
  pattern: RegExp;
  paramNames: string[];
}

/** Routes for every v2 operation; routes with fewer parameters first, so `/accounts/search` beats `/accounts/{accountId}`. */
function v2Routes(): V2Route[] {
  return operationNames
    .map((name) => ({ name, operation: getOperation(name) }))
    .filter(
      (entry): entry is { name: OperationName; operation: V2Operation } =>
        entry.operation.version === 'v2',
    )
    .map(({ name, operation }) => {
      const paramNames = [...operation.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const pattern = new RegExp(`^${operation.path.replace(/\{\w+\}/g, '([^/]+)')}$`);
      return { name, operation, pattern, paramNames };
    })
    .sort((a, b) => a.paramNames.length - b.paramNames.length);
}

function v1Routes(): Map<string, { name: OperationName; operation: V1Operation }> {
  const routes = new Map<string, { name: OperationName; operation: V1Operation }>();
  for (const name of operationNames) {
    const operation = getOperation(name);
    if (operation.version === 'v1') routes.set(operation.path, { name, operation });
  }
  return routes;
}

export async function startCmsEmulator(options: CmsEmulatorOptions = {}): Promise<CmsEmulator> {
  const apiKey = options.apiKey ?? SANDBOX_API_KEY;
  const communityId = options.communityId ?? SANDBOX_COMMUNITY_ID;
  const credential = fingerprint(apiKey);
  // A refused override fails the start, not every request.
  assertV1LimitOverrides(options.v1Limits ?? {});
  const limiter = new SlidingWindowRateLimiter({
    windowMs: options.windowMs ?? 60_000,
    blockMs: (options.blockSeconds ?? 3600) * 1000,
    limitFor: (budget) => limitPerMinute(budget as OperationName, options.v1Limits),
    separateTwins: options.separateTwins,
  });
  const faults = new Faults(options.faults);
  const push = options.pushUrl ? new PushSender(options.pushUrl, apiKey, options.logger) : null;
  const routesV2 = v2Routes();
  const routesV1 = v1Routes();
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  let community = newCommunity();

  function newCommunity(): Community {
    const fresh = new Community(sandboxCommunity(communityId));
    fresh.onAccountChange((change, account) => {
      // ACCOUNT_UPDATED carries the whole v1 account; kicked and banned carry the two ids.
      push?.send(
        change,
        change === 'ACCOUNT_UPDATED'
          ? accountUpdatedPushData(fresh, account)
          : { discordId: fresh.identifierValue(account, 'discord'), accountId: account.accId },
      );
    });
    return fresh;
  }

  /** Runs admission, faults, validation and the handler; answers through `reply` and `problem`. */
  async function serve(
    name: OperationName,
    input: unknown,
    res: ServerResponse,
    reply: (data: unknown) => void,
    problem: (p: CmsProblem, headers?: Record<string, string>) => void,
  ): Promise<void> {
    const admission = limiter.admit(credential, name);
    if (!admission.admitted) {
      const retryAfter = String(Math.max(1, Math.ceil(admission.retryAfterMs / 1000)));
      const detail = admission.blocked
        ? `Rate limit exceeded; this credential is blocked for ${retryAfter} s.`
        : `Rate limit of ${admission.limit} requests per window exceeded for ${admission.budget}.`;
      problem(new CmsProblem(429, 'Too Many Requests', detail, 'TOO MANY REQUESTS'), {
        'retry-after': retryAfter,
      });
      return;
    }
    const fault = faults.draw(name);
    if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault.action === 'error') {
      const status = faults.current().errorStatus;
      problem(
        new CmsProblem(
          status,
          STATUS_CODES[status] ?? 'Server Error',
          'Injected failure: the CMS is temporarily unavailable.',
          'SERVICE UNAVAILABLE',
        ),
      );
      return;
    }

    const operation = getOperation(name);
    const parsed = operation.input.safeParse(input);
    if (!parsed.success) {
      const { text } = describeIssue(parsed.error, '');
      problem(
        new CmsProblem(
          400,
          'Bad Request',
          `Invalid request: ${text}`,
          `INVALID REQUEST DATA: ${text}`,
        ),
      );
      return;
    }
    let data: unknown;
    try {
      data = (handlers[name] as Handler<OperationName>)(parsed.data as never, community);
    } catch (error) {
      if (error instanceof CmsProblem) return problem(error);
      options.logger?.error({ err: error, operation: name }, 'emulator handler failed');
      return problem(
        new CmsProblem(
          500,
          'Internal Server Error',
          'The emulator failed to serve this request.',
          'INTERNAL ERROR',
        ),
      );
    }
    if (fault.action === 'hang') {
      // The write happened; the answer never comes.
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    reply(fault.action === 'malformed' ? { corrupted: true } : data);
  }

  async function serveV2(
    route: V2Route,
    match: RegExpExecArray,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> {
    const path = url.pathname;
    const problem = (p: CmsProblem, headers: Record<string, string> = {}) =>
      send(
        res,
        p.status,
        JSON.stringify({
          type: 'about:blank',
          title: p.title,
          status: p.status,
          detail: p.detail,
          instance: path,
        }),
        {
          'content-type': 'application/problem+json',
          ...headers,
        },
      );
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return problem(
        new CmsProblem(401, 'Unauthorized', 'A valid API key is required as a Bearer token.'),
        { 'www-authenticate': 'Bearer' },
      );
    }
    const input: Record<string, unknown> = {};
    if (route.paramNames.length > 0) {
      input.params = Object.fromEntries(
        route.paramNames.map((key, index) => [key, decodeURIComponent(match[index + 1]!)]),
      );
    }
    if (url.searchParams.size > 0) input.query = Object.fromEntries(url.searchParams);
    const raw = await readBody(req);
    if (raw.length > 0 && route.operation.method !== 'GET') {
      const body = parseJsonOrUndefined(raw);
      if (body === undefined)
        return problem(new CmsProblem(400, 'Bad Request', 'The request body is not valid JSON.'));
      input.body = body;
    }
    await serve(
      route.name,
      input,
      res,
      (data) => {
        if (route.operation.successStatus === 204) return send(res, 204, '', {});
        const envelope = {
          success: true,
          data,
          meta: { timestamp: new Date().toISOString(), path },
        };
        send(res, route.operation.successStatus, JSON.stringify(envelope), {
          'content-type': 'application/json',
        });
      },
      problem,
    );
  }

  async function serveV1(
    route: { name: OperationName; operation: V1Operation },
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const problem = (p: CmsProblem, headers: Record<string, string> = {}) =>
      send(res, p.v1Status, p.v1Text ?? p.detail.toUpperCase(), {
        'content-type': 'text/plain; charset=utf-8',
        ...headers,
      });
    const body = parseJsonOrUndefined(await readBody(req)) as
      { id?: unknown; key?: unknown; type?: unknown; data?: unknown } | undefined;
    if (!body || typeof body !== 'object')
      return problem(new CmsProblem(400, 'Bad Request', 'INVALID REQUEST', 'INVALID REQUEST'));
    if (body.key !== apiKey)
      return problem(new CmsProblem(400, 'Bad Request', 'INVALID API KEY', 'INVALID API KEY'));
    if (body.id !== communityId)
      return problem(
        new CmsProblem(400, 'Bad Request', 'INVALID COMMUNITY ID', 'INVALID COMMUNITY ID'),
      );
    if (body.type !== route.operation.type)
      return problem(
        new CmsProblem(400, 'Bad Request', 'INVALID REQUEST TYPE', 'INVALID REQUEST TYPE'),
      );
    const input = body.data === undefined ? {} : { data: body.data };
    await serve(
      route.name,
      input,
      res,
      (data) => {
        // Strings go out as the bare line, everything else as JSON, as the v1 pages show.
        if (typeof data === 'string')
          send(res, 200, data, { 'content-type': 'text/plain; charset=utf-8' });
        else send(res, 200, JSON.stringify(data), { 'content-type': 'application/json' });
      },
      problem,
    );
  }

  const emulator: CmsEmulator = {
    url: '',
    apiKey,
    communityId,
    get community() {
      return community;
    },
    faults,
    limiter,
    push,
    reset() {
      community = newCommunity();
      limiter.reset();
      faults.clear();
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const handle = async () => {
      if (url.pathname.startsWith('/__emulator/'))
        return handleAdminRequest(emulator, req, res, url, await readBody(req));
      for (const route of routesV2) {
        if (route.operation.method !== req.method) continue;
        const match = route.pattern.exec(url.pathname);
        if (match) return serveV2(route, match, req, res, url);
      }
      const v1 = req.method === 'POST' ? routesV1.get(url.pathname) : undefined;
      if (v1) return serveV1(v1, req, res);
      send(
        res,
        404,
        JSON.stringify({
          type: 'about:blank',
          title: 'Not Found',
          status: 404,
          detail: `No route for ${req.method} ${url.pathname}.`,
        }),
        {
          'content-type': 'application/problem+json',
        },
      );
    };
    handle().catch((error: unknown) => {
      options.logger?.error({ err: error }, 'emulator request failed');
      if (!res.headersSent)
        send(res, 500, JSON.stringify({ title: 'Internal Server Error', status: 500 }), {
          'content-type': 'application/problem+json',
        });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  emulator.url = `http://${host}:${address.port}`;
  return emulator;
}
