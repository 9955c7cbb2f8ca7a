import { hash } from 'node:crypto';
import { z } from 'zod';
import type { AccountObservation } from '../../audit/observations.js';
import { parseCmsTimestamp } from './timestamps.js';

/** The push events Sonoran documents (all three "not implemented on production" as of the docs). */
export const PUSH_EVENT_TYPES = ['ACCOUNT_UPDATED', 'ACCOUNT_KICKED', 'ACCOUNT_BANNED'] as const;
export type PushEventType = (typeof PUSH_EVENT_TYPES)[number];

const id = z.string().trim().min(1).max(100);
/** A Discord id, or null for an account without one linked. */
const discordId = z
  .string()
  .regex(/^\d{5,20}$/, 'must be a Discord id')
  .nullable();
const timestamp = z
  .string()
  .max(64)
  .refine(
    (text) => !Number.isNaN(parseCmsTimestamp(text)),
    'must be a time as `2022-02-22 20:28:40.000 -0800` or ISO 8601',
  );

/** ACCOUNT_KICKED and ACCOUNT_BANNED: the two ids. */
const accountRemoved = z.looseObject({ discordId, accountId: id });

/** ACCOUNT_UPDATED: the whole account, as the docs' sample shows it. */
const accountUpdated = z.looseObject({
  discordId,
  accId: id,
  comStatus: z.boolean(),
  accName: z.string().max(200),
  comName: z.string().max(200).nullable().optional(),
  primaryIdentifier: z.string().max(200).nullable().optional(),
  secondaryIdentifiers: z.array(z.string().max(200)).max(100).optional(),
  primaryRank: id.nullable().optional(),
  secondaryRanks: z.array(id).max(200).optional(),
  primaryDepartment: id.nullable().optional(),
  secondaryDepartments: z.array(id).max(200).optional(),
  joinDate: timestamp.nullable().optional(),
  owner: z.boolean().optional(),
  banned: z.boolean(),
  lastLogin: timestamp.nullable().optional(),
  activeApiIds: z.array(z.string().max(200)).max(100).optional(),
});

/** One push event: `{key, type, data}`, each type with its own data. */
export const pushEvent = z.discriminatedUnion('type', [
  z.object({ key: z.string(), type: z.literal('ACCOUNT_UPDATED'), data: accountUpdated }),
  z.object({ key: z.string(), type: z.literal('ACCOUNT_KICKED'), data: accountRemoved }),
  z.object({ key: z.string(), type: z.literal('ACCOUNT_BANNED'), data: accountRemoved }),
]);
export type PushEvent = z.output<typeof pushEvent>;

/** What the audit pipeline makes of a push event. */
export function observationOf(event: PushEvent, at: number): AccountObservation {
  if (event.type !== 'ACCOUNT_UPDATED') {
    const kind = event.type === 'ACCOUNT_BANNED' ? 'banned' : 'kicked';
    return {
      kind,
      accId: event.data.accountId,
      discordId: event.data.discordId,
      source: 'push',
      at,
    };
  }
  const { data } = event;
  const ranks = [data.primaryRank, ...(data.secondaryRanks ?? [])].filter((rank): rank is string =>
    Boolean(rank),
  );
  return {
    kind: 'state',
    source: 'push',
    at,
    account: {
      accId: data.accId,
      discordId: data.discordId,
      name: data.comName || data.accName,
      comStatus: data.comStatus,
      banned: data.banned,
      ranks,
    },
  };
}

/**
 * Names an event across deliveries: the same event delivered again (a retry) gets the same key,
 * from its type and its data (keys sorted; Sonoran's events carry no id of their own).
 */
export function dedupKeyOf(event: PushEvent): string {
  const data = Object.fromEntries(
    Object.entries(event.data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return `push:${hash('sha256', `${event.type}\n${JSON.stringify(data)}`)}`;
}
