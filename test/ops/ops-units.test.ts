import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CmsError, type CmsErrorKind } from '../../src/cms/errors.js';
import { routeTemplate } from '../../src/ops/metrics.js';
import {
  errorKindOf,
  FAILING_AFTER,
  RECENT_MS,
  RecentCmsRequests,
} from '../../src/ops/recent-cms-requests.js';
import { busyOperations } from '../../src/ops/status.js';
import type { OperationQueueStats, QueueStats } from '../../src/queue/index.js';

const error = (kind: CmsErrorKind, status?: number) =>
  new CmsError({ kind, operation: 'getAccount', message: 'test', status });

describe('readiness: recent CMS requests', () => {
  it('fail the check only when the last three, all recent, found the CMS down', () => {
    const recent = new RecentCmsRequests();
    const now = 1_000_000_000;
    assert.equal(recent.verdict(now).failing, false, 'no requests: nothing says it is down');
    recent.record(error('timeout'), now);
    recent.record(error('network'), now);
    assert.equal(recent.verdict(now).failing, false, 'two failures are not enough');
    recent.record(error('http', 503), now);
    assert.deepEqual(recent.verdict(now), { failing: true, recent: 3, lastError: 'http_5xx' });
    assert.equal(recent.verdict(now + RECENT_MS + 1).failing, false, 'old failures say nothing');
    recent.record(undefined, now);
    assert.equal(recent.verdict(now).failing, false, 'one answer since: reachable');
  });

  it('count a 4xx, a malformed answer or a 429 as the CMS answering', () => {
    const recent = new RecentCmsRequests();
    for (const kind of [error('http', 404), error('invalid-response'), error('rate-limited')])
      for (let i = 0; i < FAILING_AFTER; i += 1) recent.record(kind);
    assert.equal(recent.verdict().failing, false);
    for (let i = 0; i < FAILING_AFTER; i += 1) recent.record(error('auth'));
    assert.equal(recent.verdict().failing, true, 'a refused key stops every call');
  });

  it('name HTTP errors by class', () => {
    assert.equal(errorKindOf(error('http', 502)), 'http_5xx');
    assert.equal(errorKindOf(error('http', 400)), 'http_4xx');
    assert.equal(errorKindOf(error('timeout')), 'timeout');
  });
});

describe('/botstatus: busy operations', () => {
  const row = (over: Partial<OperationQueueStats>): OperationQueueStats => ({
    operation: 'getAccount',
    priority: 'interactive',
    waiting: 0,
    active: 0,
    limit: 27,
    reserve: 3,
    usedInWindow: 0,
    sleepingMs: 0,
    submitted: 0,
    completed: 0,
    failed: 0,
    latencyMsP50: null,
    latencyMsP95: null,
    queuedMsP50: null,
    queuedMsP95: null,
    ...over,
  });
  const stats = (rows: OperationQueueStats[], pausedMs = 0): QueueStats => ({
    pausedMs,
    operations: rows,
  });

  it('lists operations with calls waiting or sending, busiest first, with both priorities', () => {
    const busy = busyOperations(
      stats([
        row({ waiting: 2 }),
        row({ priority: 'background', waiting: 3 }),
        row({ operation: 'getServers', limit: 13, waiting: 1 }),
        row({ operation: 'getServers', limit: 13, priority: 'background' }),
        row({ operation: 'verifyWhitelist' }),
        row({ operation: 'verifyWhitelist', priority: 'background' }),
      ]),
      61_000,
    );
    assert.deepEqual(
      busy.map((op) => [op.operation, op.waiting, op.interactive, op.etaMs]),
      [
        ['getAccount', 5, 2, 0],
        ['getServers', 1, 1, 0],
      ],
    );
  });

  it('estimates a window for each budget beyond what the window still allows, after the pause', () => {
    const [op] = busyOperations(stats([row({ waiting: 40, usedInWindow: 20 })], 5_000), 61_000);
    // 7 go in this window; 33 more need two more windows.
    assert.equal(op!.etaMs, 5_000 + 2 * 61_000);
  });
});

describe('metrics: Discord routes as labels', () => {
  it('lose their ids and tokens', () => {
    assert.equal(routeTemplate('/channels/1100000000000000021/messages'), '/channels/:id/messages');
    assert.equal(
      routeTemplate(`/webhooks/1100000000000000001/${'a'.repeat(64)}/messages/@original`),
      '/webhooks/:id/:token/messages/@original',
    );
  });
});
