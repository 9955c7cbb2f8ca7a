import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { describeIssue } from '../errors.js';
import { faultSettingsSchema } from './faults.js';
import type { CmsEmulator } from './server.js';
import { parseJsonOrUndefined } from '../json.js';
import { send } from './http.js';
import { v1AccountView } from './views.js';

/**
 * The emulator's own API, for tests, benchmarks and the sandbox (no auth; it listens on loopback):
 * - `GET  /__emulator/stats`: requests, 429s, limit and max-in-any-window per (credential, budget),
 *   where a v2 operation and its v1 twin are one budget unless `separateTwins` (each row also
 *   counts requests by operation);
 * - `POST /__emulator/stats/reset`: forget rate-limit history and blocks, keep the community;
 * - `POST /__emulator/reset`: reseed the community, forget rate-limit history and faults;
 * - `GET|PUT|DELETE /__emulator/faults`: read, change or clear injected faults;
 * - `POST /__emulator/accounts` `{username, discordId}`: a new member with a linked Discord id
 *   (the sandbox gives one to a Discord user who has no account);
 * - `POST /__emulator/accounts/{accId}/kick|ban` and `PATCH /__emulator/accounts/{accId}`:
 *   act as staff in the web panel would, which sends push events;
 * - `GET  /__emulator/push/idle`: waits until every push event so far was delivered or failed.
 */

const accountChanges = z.strictObject({
  accName: z.string().min(1).optional(),
  comName: z.string().min(1).optional(),
  callsign: z.string().nullable().optional(),
  comStatus: z.boolean().optional(),
  archived: z.boolean().optional(),
  ranks: z.array(z.string()).optional(),
});

const newAccount = z.strictObject({
  username: z.string().min(1).max(64),
  discordId: z.string().regex(/^\d{5,20}$/),
});

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body), { 'content-type': 'application/json' });
}

export async function handleAdminRequest(
  emulator: CmsEmulator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  rawBody: string,
): Promise<void> {
  const path = url.pathname.slice('/__emulator'.length);
  const method = req.method ?? 'GET';
  const body = parseJsonOrUndefined(rawBody) ?? {};
  const invalid = (error: z.ZodError) =>
    json(res, 400, { error: describeIssue(error, 'body').text });

  if (method === 'GET' && path === '/stats') {
    return json(res, 200, {
      windowMs: emulator.limiter.windowMs,
      blockSeconds: emulator.limiter.blockMs / 1000,
      blockedCredentials: emulator.limiter.blockedCredentials(),
      separateTwins: emulator.limiter.separateTwins,
      // One row per budget; `operation` is the budget's name (see OperationStats).
      operations: emulator.limiter.stats(),
      push: emulator.push?.stats() ?? null,
      faults: emulator.faults.current(),
    });
  }
  if (method === 'POST' && path === '/stats/reset') {
    emulator.limiter.reset();
    return json(res, 200, { reset: 'stats' });
  }
  if (method === 'POST' && path === '/reset') {
    emulator.reset();
    return json(res, 200, { reset: true });
  }
  if (path === '/faults') {
    if (method === 'GET') return json(res, 200, emulator.faults.current());
    if (method === 'DELETE') return json(res, 200, emulator.faults.clear());
    if (method === 'PUT' || method === 'POST') {
      const parsed = faultSettingsSchema.partial().safeParse(body);
      return parsed.success
        ? json(res, 200, emulator.faults.set(parsed.data))
        : invalid(parsed.error);
    }
  }
  if (method === 'GET' && path === '/push/idle') {
    await emulator.push?.idle();
    return json(res, 200, emulator.push?.stats() ?? null);
  }
  if (method === 'POST' && path === '/accounts') {
    const parsed = newAccount.safeParse(body);
    if (!parsed.success) return invalid(parsed.error);
    try {
      const account = emulator.community.createAccount(parsed.data);
      return json(res, 201, v1AccountView(emulator.community, account));
    } catch (error) {
      return json(res, 409, { error: (error as Error).message });
    }
  }
  const accountRoute = /^\/accounts\/([^/]+)(?:\/(kick|ban))?$/.exec(path);
  if (accountRoute) {
    const { community } = emulator;
    const account = community.findAccount({ accId: decodeURIComponent(accountRoute[1]!) });
    if (!account) return json(res, 404, { error: 'no such account' });
    const action = accountRoute[2];
    if (method === 'POST' && action === 'kick') community.kick(account);
    else if (method === 'POST' && action === 'ban') community.ban(account);
    else if (method === 'PATCH' && !action) {
      const parsed = accountChanges.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      community.updateAccount(account, parsed.data);
    } else return json(res, 405, { error: 'method not allowed' });
    return json(res, 200, v1AccountView(community, account));
  }
  return json(res, 404, { error: `no admin route ${method} ${url.pathname}` });
}
