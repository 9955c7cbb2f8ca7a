import { z } from 'zod';

/**
 * Shapes shared by many operations, written from the examples in Sonoran's API pages.
 * Outputs are loose objects: fields we know are checked, fields the CMS adds later pass through.
 */

/** Any 8-4-4-4-12 hex id; the docs' example ids (all zeros) are not RFC-valid UUIDs. */
export const guid = z.guid();
export const nonEmpty = z.string().min(1);
/** Timestamps stay strings: v2 sends ISO 8601, v1 sends "2022-02-22 20:28:40.000 -0800". */
export const timestamp = z.string();

// Query strings and path segments arrive as text; these accept the typed value or its text form.
export const textInt = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
export const textBool = z.union([
  z.boolean(),
  z.enum(['true', 'false']).transform((v) => v === 'true'),
]);
export const textPositiveInt = textInt.pipe(z.number().int().positive());

export const clockRow = z.looseObject({
  id: z.union([z.string(), z.number()]),
  startTime: timestamp,
  endTime: timestamp.nullable(),
  completed: z.boolean(),
  notes: z.array(z.unknown()),
  type: z.string().optional(),
});

export const identifierEntity = z.looseObject({
  id: z.string(),
  accId: z.string(),
  type: z.string(),
  value: z.string(),
  refCount: z.number().int(),
  verified: z.boolean(),
  metadata: z.record(z.string(), z.unknown()),
  flagId: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp.nullable(),
});

export const profileFieldValue = z.looseObject({ id: z.string(), value: z.unknown() });

/** The account row the list and search operations return. */
export const accountSummary = z.looseObject({
  accId: z.string(),
  uniqueId: z.number().int().optional(),
  accName: z.string(),
  comName: z.string(),
  activeApiIds: z.array(z.string()),
  discordId: z.string().nullable().optional(),
  sysStatus: z.boolean(),
  comStatus: z.boolean(),
  archived: z.boolean(),
  banned: z.boolean(),
  teamspeakId: z.string().nullable().optional(),
});

/** Get Account: the summary plus ranks, identifiers, profile fields and clock data. */
export const accountDetail = accountSummary.extend({
  joinDate: timestamp,
  lastLogin: timestamp.nullable(),
  owner: z.boolean(),
  identifiers: z.looseObject({ idents: z.array(identifierEntity) }),
  ranks: z.array(z.string()),
  profileFields: z.looseObject({ data: z.array(profileFieldValue) }),
  clockData: z.looseObject({ data: z.array(clockRow) }),
});

/** The full account row returned by rank updates and undo. */
export const accountRow = accountDetail.extend({
  banInfo: z.unknown().nullable(),
  banExpiration: timestamp.nullable(),
  apiIdPreference: z.number().int(),
  apiIds: z.looseObject({ ids: z.array(z.unknown()) }),
  bio: z.string().nullable(),
  robloxId: z.string().nullable(),
  customUniqueId: z.boolean(),
  notificationPreferences: z.record(z.string(), z.unknown()),
});

export const rank = z.looseObject({
  id: z.string(),
  label: z.string(),
  primaryOnly: z.boolean(),
  secondaryOnly: z.boolean(),
  power: z.number(),
});

export const department = z.looseObject({
  uuid: z.string(),
  label: z.string(),
  labelTwo: z.string().nullable(),
  ranks: z.array(rank),
});

export const communitySummary = z.looseObject({
  id: z.string(),
  uuid: z.string(),
  name: z.string(),
  subVersion: z.number().int(),
  tier: z.string(),
  servers: z.number().int(),
});

export const profileFieldDefinition = z.looseObject({
  id: z.string(),
  label: z.string(),
  type: z.string(),
  options: z.unknown().nullable(),
});

export const promotionFlow = z.looseObject({
  id: z.string(),
  communityUuid: z.string(),
  labelFrom: z.string(),
  labelTo: z.string(),
  ranksToAdd: z.array(z.string()),
  ranksToRemove: z.array(z.string()),
  actions: z.unknown(),
  promotionType: z.string(),
});

export const disciplinaryRecord = z.looseObject({
  id: z.string(),
  status: z.boolean(),
  accId: z.string(),
  source: z.string(),
  sourceId: z.string(),
  points: z.number(),
  reason: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  // v2 keys history by timestamp; the v1 pages show an array.
  history: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]),
  createdAt: timestamp.optional(),
  updatedAt: timestamp.nullable().optional(),
  expired: z.boolean().optional(),
});

export const aceMapping = z.looseObject({
  ranks: z.array(z.string()).optional(),
  principal: z.string().optional(),
});

export const gameServer = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  description: z.string().optional(),
  ip: z.string().optional(),
  port: z.string().optional(),
  typeLastUpdated: timestamp.optional(),
  type: z.string().optional(),
  robloxJoinCode: z.string().optional(),
  aceConfig: z.looseObject({ mappings: z.array(aceMapping).optional() }).optional(),
});

export const serversContainer = z.looseObject({ servers: z.array(gameServer) });

/** A server as sent to Set Servers / Add Servers. */
export const gameServerInput = z.strictObject({
  id: z.number().int().positive().optional(),
  name: nonEmpty,
  description: z.string().optional(),
  ip: z.string().optional(),
  port: z.string().optional(),
  type: z.string().optional(),
  erlcApiKey: z.string().optional(),
  robloxJoinCode: z.string().optional(),
  aceConfig: z.record(z.string(), z.unknown()).optional(),
  robloxMetadata: z.record(z.string(), z.unknown()).optional(),
});

export const whitelistEntry = z.looseObject({ name: z.string(), apiIds: z.array(z.string()) });

export const activityRow = z.looseObject({
  id: z.string(),
  status: z.boolean().optional(),
  accId: z.string(),
  serverId: z.number().int(),
  start: timestamp.optional(),
  end: timestamp.nullable().optional(),
  clearReason: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const sessionRow = z.looseObject({
  id: z.string(),
  sysStatus: z.boolean(),
  community: z.string(),
  serverId: z.number().int(),
  startedBy: z.string(),
  startedAt: timestamp,
  endedBy: z.string().nullable(),
  endedAt: timestamp.nullable(),
  cancelledBy: z.string().nullable(),
  stats: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
});

export const formSubmission = z.looseObject({
  formId: z.number().int(),
  sysStatus: z.boolean(),
  submissionTime: timestamp,
  lastActionTime: timestamp,
  formSubmitter: z.string(),
  formContextUser: z.string().nullable(),
  relatedUsers: z.array(z.string()),
  formStructure: z.record(z.string(), z.unknown()),
  formComments: z.record(z.string(), z.unknown()),
  stageId: z.string().nullable(),
  stageGroupId: z.string().nullable(),
  formTemplateId: z.number().int(),
  formType: z.number().int(),
  formReplySettings: z.record(z.string(), z.unknown()),
  showInProfile: z.boolean(),
  stages: z.array(z.unknown()),
});

export const formStage = z.looseObject({ id: z.string(), label: z.string() });

export const rosterContents = z.looseObject({
  // Row keys follow the roster template, so rows are open records.
  rows: z.array(z.record(z.string(), z.unknown())),
  total: z.number().int(),
  skip: z.number().int(),
  limit: z.number().int(),
  columns: z.array(z.looseObject({ field: z.string(), label: z.string(), type: z.string() })),
});

export const erlcPlayer = z.looseObject({
  Player: z.string(),
  Permission: z.string(),
  Callsign: z.string().optional(),
  Team: z.string(),
  Actioned: z.unknown().nullable().optional(),
  Location: z
    .looseObject({ LocationX: z.number(), LocationY: z.number(), LocationZ: z.number() })
    .optional(),
});

/** v1 "User Identification": the account is found by any one of these. */
export const accountLookupShape = {
  apiId: nonEmpty.optional(),
  username: nonEmpty.optional(),
  accId: nonEmpty.optional(),
  discord: nonEmpty.optional(),
  uniqueId: z.union([z.number().int(), z.string().regex(/^\d+$/)]).optional(),
};
const lookupKeys = Object.keys(accountLookupShape) as (keyof typeof accountLookupShape)[];

/** A v1 request object that must identify one account, plus the operation's own fields. */
export function withAccountLookup<S extends z.ZodRawShape>(shape: S) {
  return z
    .strictObject({ ...accountLookupShape, ...shape })
    .refine(
      (value) => lookupKeys.some((key) => (value as Record<string, unknown>)[key] !== undefined),
      {
        message: `identify the account with one of: ${lookupKeys.join(', ')}`,
      },
    );
}

/** The v1 account object (Get Com Account and the ACCOUNT_UPDATED push event). */
export const v1Account = z.looseObject({
  accId: z.string(),
  comStatus: z.boolean(),
  accName: z.string(),
  comName: z.string(),
  primaryIdentifier: z.string().nullable().optional(),
  secondaryIdentifiers: z.array(z.string()).optional(),
  primaryRank: z.string().nullable().optional(),
  secondaryRanks: z.array(z.string()).optional(),
  primaryDepartment: z.string().nullable().optional(),
  secondaryDepartments: z.array(z.string()).optional(),
  joinDate: timestamp,
  owner: z.boolean(),
  banned: z.boolean(),
  lastLogin: timestamp.nullable(),
  activeApiIds: z.array(z.string()),
});
