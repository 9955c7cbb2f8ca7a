import { z } from 'zod';
import { EXAMPLE } from '../examples.js';
import { v2 } from '../operation.js';
import {
  accountDetail,
  accountRow,
  accountSummary,
  clockRow,
  guid,
  identifierEntity,
  nonEmpty,
  profileFieldValue,
  textBool,
  textInt,
} from '../shapes.js';

const accountParams = z.strictObject({ accountId: guid });

const required = {
  error: (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : undefined),
};

/**
 * Get Current Clock In names the account again in the query, by exactly one identifier: the
 * page's table and example send `accId`, its OpenAPI lists `apiId`, `username`, `discordId`
 * and `uniqueId` with "provide exactly one identifier"; all five are accepted.
 */
const clockInQueryKeys = ['accId', 'apiId', 'username', 'discordId', 'uniqueId'] as const;
const clockInQuery = z
  .strictObject(
    {
      accId: guid.optional(),
      apiId: nonEmpty.optional(),
      username: nonEmpty.optional(),
      discordId: nonEmpty.optional(),
      uniqueId: textInt.optional(),
    },
    {
      error: (issue) =>
        issue.input === undefined
          ? `is required: give exactly one of ${clockInQueryKeys.join(', ')}`
          : undefined,
    },
  )
  .refine((q) => clockInQueryKeys.filter((key) => q[key] !== undefined).length === 1, {
    message: `give exactly one of ${clockInQueryKeys.join(', ')}`,
  });

const searchKeys = ['accountId', 'apiId', 'username', 'accId', 'discord', 'uniqueId'] as const;

export const accountOperations = {
  getAccounts: v2({
    section: 'accounts',
    summary: 'Retrieve a page of community accounts.',
    method: 'GET',
    path: '/v2/community/accounts',
    limitPerMinute: 22,
    input: z.strictObject({
      query: z
        .strictObject({
          skip: textInt.pipe(z.number().int().nonnegative()).optional(),
          take: textInt.pipe(z.number().int().min(1).max(100)).optional(),
          sysStatus: textBool.optional(),
          comStatus: textBool.optional(),
          banned: textBool.optional(),
          archived: textBool.optional(),
        })
        .optional(),
    }),
    output: z.looseObject({
      items: z.array(accountSummary),
      total: z.number().int(),
      skip: z.number().int(),
      take: z.number().int(),
    }),
    example: { query: { skip: 0, take: 25, sysStatus: true } },
  }),
  searchAccounts: v2({
    section: 'accounts',
    summary: 'Search for community accounts by exactly one identifier.',
    method: 'GET',
    path: '/v2/community/accounts/search',
    limitPerMinute: 27,
    input: z.strictObject({
      query: z
        .strictObject({
          accountId: guid.optional(),
          apiId: nonEmpty.optional(),
          username: nonEmpty.optional(),
          accId: guid.optional(),
          discord: nonEmpty.optional(),
          uniqueId: textInt.optional(),
        })
        .refine((q) => searchKeys.filter((key) => q[key] !== undefined).length === 1, {
          message: `give exactly one of ${searchKeys.join(', ')}`,
        }),
    }),
    output: z.looseObject({ items: z.array(accountSummary), total: z.number().int() }),
    example: { query: { username: EXAMPLE.username } },
  }),
  getAccount: v2({
    section: 'accounts',
    summary: 'Retrieve a single community account.',
    method: 'GET',
    path: '/v2/community/accounts/{accountId}',
    limitPerMinute: 27,
    input: z.strictObject({ params: accountParams }),
    output: accountDetail,
    example: { params: { accountId: EXAMPLE.accountId } },
  }),
  getAccountRanks: v2({
    section: 'accounts',
    summary: 'Retrieve the rank ids assigned to an account.',
    method: 'GET',
    path: '/v2/community/accounts/{accountId}/ranks',
    limitPerMinute: 27,
    input: z.strictObject({ params: accountParams }),
    output: z.array(z.string()),
    example: { params: { accountId: EXAMPLE.accountId } },
  }),
  getAccountIdentifiers: v2({
    section: 'accounts',
    summary: 'Retrieve the identifiers stored for an account.',
    method: 'GET',
    path: '/v2/community/accounts/{accountId}/identifiers',
    limitPerMinute: 22,
    input: z.strictObject({ params: accountParams }),
    output: z.array(identifierEntity),
    example: { params: { accountId: EXAMPLE.accountId } },
  }),
  registerIdentifiers: v2({
    section: 'accounts',
    summary: 'Register one or more identifiers for an account.',
    method: 'POST',
    path: '/v2/community/accounts/{accountId}/identifiers',
    limitPerMinute: 22,
    successStatus: 201,
    // Registering an identifier the account already has changes nothing.
    idempotent: true,
    input: z.strictObject({
      params: accountParams,
      body: z.strictObject({
        identifiers: z.array(z.strictObject({ type: nonEmpty, value: nonEmpty })).min(1),
      }),
    }),
    output: z.array(z.looseObject({ type: z.string(), value: z.string() })),
    example: {
      params: { accountId: EXAMPLE.accountId },
      body: { identifiers: [{ type: 'discord', value: EXAMPLE.discordId }] },
    },
  }),
  setAccountName: v2({
    section: 'accounts',
    summary: 'Update the display name for an account.',
    method: 'PATCH',
    path: '/v2/community/accounts/{accountId}/name',
    limitPerMinute: 22,
    idempotent: true,
    input: z.strictObject({
      params: accountParams,
      body: z.strictObject({ newName: nonEmpty.max(64) }),
    }),
    // A confirmation line, not an account object.
    output: z.string(),
    example: { params: { accountId: EXAMPLE.accountId }, body: { newName: 'Example Account' } },
  }),
  setAccountRanks: v2({
    section: 'accounts',
    summary: 'Add, remove or set the ranks of an account.',
    method: 'PATCH',
    path: '/v2/community/accounts/{accountId}/ranks',
    limitPerMinute: 22,
    // Adding a rank the account holds, or removing one it lacks, changes nothing.
    idempotent: true,
    input: z.strictObject({
      params: accountParams,
      body: z
        .strictObject({
          accId: guid.optional(),
          set: z.array(nonEmpty).optional(),
          add: z.array(nonEmpty).optional(),
          remove: z.array(nonEmpty).optional(),
          active: z.boolean().optional(),
        })
        .refine((b) => b.set || b.add || b.remove, {
          message: 'give at least one of set, add or remove',
        }),
    }),
    output: accountRow,
    // The docs add "rank-1"; the sandbox's Cadet rank stands in.
    example: {
      params: { accountId: EXAMPLE.accountId },
      body: { accId: EXAMPLE.accountId, add: [EXAMPLE.rankId], active: true },
    },
  }),
  editProfileFields: v2({
    section: 'accounts',
    summary: 'Update profile field values for an account.',
    method: 'PATCH',
    path: '/v2/community/accounts/{accountId}/profile-fields',
    limitPerMinute: 22,
    idempotent: true,
    input: z.strictObject({
      params: accountParams,
      body: z.strictObject({
        profileFields: z.array(z.strictObject({ id: nonEmpty, value: z.unknown() })).min(1),
      }),
    }),
    output: z.array(profileFieldValue),
    example: {
      params: { accountId: EXAMPLE.accountId },
      body: { profileFields: [{ id: 'discord', value: EXAMPLE.discordId }] },
    },
  }),
  clockAccount: v2({
    section: 'accounts',
    summary: 'Clock an account in or out.',
    method: 'POST',
    path: '/v2/community/accounts/{accountId}/clock',
    limitPerMinute: 22,
    // The intention is explicit: clocking in while in (or out while out) writes nothing.
    idempotent: true,
    input: z.strictObject({
      params: accountParams,
      // The page marks all three required; accId repeats the route's account.
      body: z.strictObject({
        accId: z.guid(required),
        intention: z.enum(['in', 'out'], required),
        type: z.string(required).min(1),
      }),
    }),
    // The saved clock row, or `true` when there was nothing to write.
    output: z.union([clockRow, z.literal(true)]),
    example: {
      params: { accountId: EXAMPLE.accountId },
      body: { accId: EXAMPLE.accountId, intention: 'in', type: 'regular' },
    },
  }),
  getCurrentClockIn: v2({
    section: 'accounts',
    summary: 'Retrieve the current clock-in of an account.',
    method: 'GET',
    path: '/v2/community/accounts/{accountId}/clock/current',
    limitPerMinute: 27,
    input: z.strictObject({ params: accountParams, query: clockInQuery }),
    output: z.union([clockRow, z.literal('Not Clocked In')]),
    example: { params: { accountId: EXAMPLE.accountId }, query: { accId: EXAMPLE.accountId } },
  }),
  getLatestActivity: v2({
    section: 'accounts',
    summary: 'Retrieve the newest clock rows or activity rows of an account.',
    method: 'GET',
    path: '/v2/community/accounts/{accountId}/activity/latest',
    limitPerMinute: 27,
    input: z.strictObject({
      params: accountParams,
      query: z.strictObject({
        accId: guid.optional(),
        type: z.enum(['clockin', 'activity']).optional(),
        serverId: textInt.optional(),
        clockInType: nonEmpty.optional(),
      }),
    }),
    // Clock rows for type=clockin; activity log rows (open shape) for type=activity.
    output: z.array(z.record(z.string(), z.unknown())),
    example: {
      params: { accountId: EXAMPLE.accountId },
      query: { accId: EXAMPLE.accountId, type: 'activity' },
    },
  }),
  forceSync: v2({
    section: 'accounts',
    summary: 'Force a sync of an account to its integrations.',
    method: 'POST',
    path: '/v2/community/accounts/{accountId}/sync',
    limitPerMinute: 27,
    idempotent: true,
    input: z.strictObject({
      params: accountParams,
      body: z.strictObject({ accId: guid.optional() }).optional(),
    }),
    output: z.string(),
    example: { params: { accountId: EXAMPLE.accountId }, body: { accId: EXAMPLE.accountId } },
  }),
};
