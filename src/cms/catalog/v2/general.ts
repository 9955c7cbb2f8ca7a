import { z } from 'zod';
import { EXAMPLE } from '../examples.js';
import { v2 } from '../operation.js';
import {
  accountRow,
  communitySummary,
  department,
  guid,
  nonEmpty,
  profileFieldDefinition,
  promotionFlow,
} from '../shapes.js';

const noInput = z.strictObject({});

export const generalOperations = {
  getCommunity: v2({
    section: 'general',
    summary: 'Retrieve the current community summary.',
    method: 'GET',
    path: '/v2/community',
    limitPerMinute: 13,
    input: noInput,
    output: communitySummary,
    example: {},
  }),
  getSubVersion: v2({
    section: 'general',
    summary: 'Retrieve the community subscription tier.',
    method: 'GET',
    path: '/v2/community/sub-version',
    limitPerMinute: 13,
    input: noInput,
    output: z.looseObject({ subVersion: z.number().int(), tier: z.string() }),
    example: {},
  }),
  lookupCommunity: v2({
    section: 'general',
    summary: 'Look up the community by ID or UUID.',
    method: 'GET',
    path: '/v2/community/lookup',
    limitPerMinute: 13,
    input: z.strictObject({
      query: z
        .strictObject({ id: nonEmpty.optional(), uuid: guid.optional() })
        .refine((q) => (q.id === undefined) !== (q.uuid === undefined), {
          message: 'give exactly one of id or uuid',
        }),
    }),
    output: communitySummary,
    // The docs say YOUR_COMMUNITY_ID; the sandbox community's id stands in.
    example: { query: { id: 'sandbox-community' } },
  }),
  getDepartments: v2({
    section: 'general',
    summary: 'Retrieve the community departments and their ranks.',
    method: 'GET',
    path: '/v2/community/departments',
    limitPerMinute: 13,
    input: noInput,
    output: z.array(department),
    example: {},
  }),
  getProfileFields: v2({
    section: 'general',
    summary: 'Retrieve the configured profile fields.',
    method: 'GET',
    path: '/v2/community/profile-fields',
    limitPerMinute: 13,
    input: noInput,
    output: z.array(profileFieldDefinition),
    example: {},
  }),
  getClockInTypes: v2({
    section: 'general',
    summary: 'Retrieve the configured clock-in types.',
    method: 'GET',
    path: '/v2/community/clockin-types',
    limitPerMinute: 13,
    input: noInput,
    output: z.array(z.looseObject({ id: z.string(), label: z.string() })),
    example: {},
  }),
  getCustomLogTypes: v2({
    section: 'general',
    summary: 'Retrieve the configured custom log types.',
    method: 'GET',
    path: '/v2/community/custom-log-types',
    limitPerMinute: 13,
    input: noInput,
    output: z.array(z.looseObject({ id: z.string(), label: z.string(), shortCode: z.string() })),
    example: {},
  }),
  getPromotionFlows: v2({
    section: 'general',
    summary: 'Retrieve the configured promotion flows.',
    method: 'GET',
    path: '/v2/community/promotion-flows',
    limitPerMinute: 13,
    input: noInput,
    output: z.array(promotionFlow),
    example: {},
  }),
  triggerPromotionFlows: v2({
    section: 'general',
    summary: 'Trigger one or more promotion flow actions.',
    method: 'POST',
    path: '/v2/community/promotion-flows/trigger',
    limitPerMinute: 13,
    input: z.strictObject({
      body: z.strictObject({
        data: z
          .array(
            z.strictObject({
              flowId: nonEmpty,
              users: z.array(nonEmpty).min(1),
              promote: z.boolean(),
            }),
          )
          .min(1),
      }),
    }),
    output: z.array(
      z.looseObject({
        users: z.array(z.string()),
        flow: z.string(),
        promote: z.boolean(),
        succeeded: z.boolean(),
        message: z.string(),
        config: promotionFlow.nullable(),
      }),
    ),
    // The docs say flow-1; the sandbox's Cadet → Officer flow stands in.
    example: {
      body: {
        data: [{ flowId: EXAMPLE.promotionFlowId, users: [EXAMPLE.username], promote: true }],
      },
    },
  }),
  undoRankChange: v2({
    section: 'general',
    summary: 'Undo a previously recorded rank change.',
    method: 'POST',
    path: '/v2/community/rank-changes/{undoId}/undo',
    limitPerMinute: 13,
    input: z.strictObject({
      params: z.strictObject({ undoId: guid }),
      body: z.strictObject({ userId: nonEmpty }),
    }),
    output: z.looseObject({
      undoId: z.string(),
      account: accountRow,
      previousRanks: z.array(z.string()),
      currentRanks: z.array(z.string()),
      originalLogId: z.string(),
      reversalUndoId: z.string(),
    }),
    example: { params: { undoId: EXAMPLE.undoId }, body: { userId: EXAMPLE.undoUserId } },
  }),
  createShortUrl: v2({
    section: 'general',
    summary: 'Create a short URL for the community.',
    method: 'POST',
    path: '/v2/community/short-urls',
    limitPerMinute: 13,
    successStatus: 201,
    input: z.strictObject({
      body: z.strictObject({
        path: z.string().startsWith('/'),
        isCustomDomain: z.boolean().optional(),
      }),
    }),
    output: z.looseObject({ success: z.boolean(), redirect: z.string().optional() }),
    example: { body: { path: '/go/example', isCustomDomain: false } },
  }),
};
