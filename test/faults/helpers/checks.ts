import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { AuditLog } from '../../../src/audit/audit-log.js';
import type { AccountChangeEvent } from '../../../src/audit/audit-events.js';
import type { CmsEmulator } from '../../../src/cms/emulator/server.js';
import type { DiscordEmulator, EmulatedMessage } from '../../../src/dev/discord-emulator/index.js';
import { SANDBOX_GUILD } from '../../../src/dev/sandbox-guild.js';
import { createLogger } from '../../../src/logger.js';
import { createRedisConnection } from '../../../src/queue/redis.js';
import { within } from '../../../src/within.js';

/** The emulator's verdict: no 429, and never more than a budget's limit in any window. */
export function assertPacingHeld(cms: CmsEmulator): void {
  for (const row of cms.limiter.stats()) {
    assert.equal(row.rateLimited, 0, `no 429 for ${row.operation}`);
    assert.ok(
      row.maxInWindow <= row.limit,
      `${row.operation}: ${row.maxInWindow} in one window, over its limit of ${row.limit}`,
    );
  }
}

export function requestsOf(cms: CmsEmulator, operation: string): number {
  return cms.limiter.stats().find((row) => row.operation === operation)?.requests ?? 0;
}

/** Rejects with `what` if the promise has not settled in `ms`: a hang fails clearly. */
export function settled<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return within(promise, ms, `${what} did not settle within ${ms} ms`);
}

/** An account-change notice whose CMS account field names it: `fault-<n>`. */
export function notice(n: number): AccountChangeEvent {
  return {
    type: 'account-change',
    id: `fault.notice.${n}`,
    at: Date.now(),
    change: 'updated',
    source: 'push',
    account: { accId: `fault-${n}`, name: `Member ${n}`, discordId: null },
    details: [`step ${n}`],
    firstSighting: false,
  };
}

/** The notices in the audit channel, in the order a reader sees them (messages, then embeds). */
export function noticesShown(discord: DiscordEmulator): number[] {
  const account = (embed: EmulatedMessage['embeds'][number]) =>
    embed.fields?.find((field) => field.name === 'CMS account')?.value ?? '';
  return discord
    .messages(SANDBOX_GUILD.channels.audit)
    .flatMap((message) => message.embeds.map(account))
    .map((value) => /`fault-(\d+)`/.exec(value)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
}

/** Records audit events as another bot process would: stored in Redis, posted by the bot. */
export function auditProducer(redisUrl: string, namespace: string) {
  const connection = createRedisConnection(redisUrl, 'worker');
  connection.on('error', () => {});
  const audit = new AuditLog({
    connection,
    namespace,
    channels: { audit: SANDBOX_GUILD.channels.audit },
    logger: createLogger({
      level: 'silent',
      destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
    }),
  });
  return {
    record: (n: number) => audit.record(notice(n)),
    close: async () => {
      await audit.close();
      connection.disconnect();
    },
  };
}
