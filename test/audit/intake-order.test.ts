import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { AccountSnapshots } from '../../src/audit/account-snapshots.js';
import type { AuditEvent } from '../../src/audit/audit-events.js';
import type { AuditLog } from '../../src/audit/audit-log.js';
import { AuditIntake } from '../../src/audit/intake.js';
import type { AccountObservation, ObservationSource } from '../../src/audit/observations.js';
import { createRedisConnection } from '../../src/queue/redis.js';
import { waitFor } from '../helpers/queue-harness.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

const NAMESPACE = 'intake-order-test';

/** The account as a source saw it at `at` (ms): only its name changes here. */
function seen(name: string, at: number, source: ObservationSource): AccountObservation {
  return {
    kind: 'state',
    source,
    at,
    account: {
      accId: 'acc-1',
      discordId: null,
      name,
      comStatus: true,
      banned: false,
      ranks: [],
    },
  };
}

/**
 * The intake against a real Redis, with the audit log replaced by a list of what it was given:
 * observations are stored in the order they arrive, which is not always the order the CMS was
 * read in.
 */
describe('the audit intake with observations out of order', () => {
  let redis: TestRedis;
  let connection: Redis;
  let intake: AuditIntake;
  let snapshots: AccountSnapshots;
  const recorded: AuditEvent[] = [];

  before(async () => {
    redis = await startTestRedis({ persist: false });
    connection = createRedisConnection(redis.url, 'worker');
    snapshots = new AccountSnapshots(connection, NAMESPACE);
    intake = new AuditIntake({
      connection,
      namespace: NAMESPACE,
      snapshots,
      audit: { record: async (event: AuditEvent) => void recorded.push(event) } as AuditLog,
      rankNames: async () => new Map(),
      logger: pino({ level: 'silent' }),
    });
    await intake.start();
  });
  after(async () => {
    await intake.close();
    connection.disconnect();
    await redis.stop();
  });

  it('sets aside a read that left before a push event it arrives after', async () => {
    await intake.accept(seen('Member r1', 1_000, 'reconciliation'), 'read-1');
    // The member is renamed: the push event comes at 3 s; a pass's read had left at 2 s, and
    // its rows (still r1) reach the intake after the push event.
    await intake.accept(seen('Member r3', 3_000, 'push'), 'push-1');
    await intake.accept(seen('Member r1', 2_000, 'reconciliation'), 'read-2');
    await intake.accept(seen('Member r3', 4_000, 'reconciliation'), 'read-3');
    await waitFor(
      async () => (await snapshots.get('acc-1'))?.seenAt === 4_000,
      10_000,
      'the last read to be compared',
    );
    assert.deepEqual(
      recorded.map((event) => (event.type === 'account-change' ? event.details : [])),
      [['status: member'], ['name Member r1 -> Member r3']],
      'the first sighting and the rename, nothing undone and redone',
    );
    assert.equal((await snapshots.get('acc-1'))?.name, 'Member r3');
  });
});
