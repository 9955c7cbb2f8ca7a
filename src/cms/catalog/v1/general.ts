import { z } from 'zod';
import { EXAMPLE } from '../examples.js';
import { v1 } from '../operation.js';
import {
  accountSummary,
  clockRow,
  department,
  nonEmpty,
  profileFieldValue,
  v1Account,
  withAccountLookup,
} from '../shapes.js';

const byAccount = withAccountLookup({});
const exampleLookup = { accId: EXAMPLE.accountId };

export const v1GeneralOperations = {
  'v1.getSubVersion': v1({
    section: 'general',
    summary: 'The subscription level: 0 Free, 1 Starter, 2 Standard, 3 Plus, 4 Pro, 5 SonoranOne.',
    path: '/general/get_sub_version',
    type: 'GET_SUB_VERSION',
    limitLike: 'getSubVersion',
    idempotent: true,
    input: z.strictObject({ data: z.tuple([]).optional() }),
    output: z.number().int().min(0).max(5),
    example: { data: [] },
  }),
  'v1.checkComApiId': v1({
    section: 'general',
    summary: 'The username of the account an API id belongs to.',
    path: '/general/check_com_apiid',
    type: 'CHECK_COM_APIID',
    limitLike: 'searchAccounts',
    idempotent: true,
    answers: 'text',
    input: z.strictObject({ data: z.tuple([z.strictObject({ apiId: nonEmpty })]) }),
    output: z.string(),
    example: { data: [{ apiId: EXAMPLE.discordId }] },
  }),
  'v1.getComAccount': v1({
    section: 'general',
    summary: 'A community account found by account id, API id, Discord id, unique id or username.',
    path: '/general/get_com_account',
    type: 'GET_COM_ACCOUNT',
    limitLike: 'getAccount',
    idempotent: true,
    input: z.strictObject({ data: z.tuple([byAccount]) }),
    output: v1Account.extend({
      profileFields: z.looseObject({ data: z.array(profileFieldValue) }).optional(),
    }),
    example: { data: [exampleLookup] },
  }),
  'v1.getCurrentClockIn': v1({
    section: 'general',
    summary: 'The open clock-in of an account, or "Not Clocked In".',
    path: '/general/get_current_clock_in',
    type: 'GET_CURRENT_CLOCK_IN',
    limitLike: 'getCurrentClockIn',
    idempotent: true,
    // This one takes a single object, not an array.
    input: z.strictObject({ data: byAccount }),
    output: z.union([clockRow, z.literal('Not Clocked In')]),
    example: { data: exampleLookup },
  }),
  'v1.getAccounts': v1({
    section: 'general',
    summary: 'A page of community accounts filtered by status flags.',
    path: '/general/get_accounts',
    type: 'GET_ACCOUNTS',
    limitLike: 'getAccounts',
    idempotent: true,
    input: z.strictObject({
      data: z.tuple([
        z.strictObject({
          skip: z.number().int().nonnegative().optional(),
          take: z.number().int().min(25).max(100).optional(),
          sysStatus: z.boolean().optional(),
          comStatus: z.boolean().optional(),
          banned: z.boolean().optional(),
          archived: z.boolean().optional(),
        }),
      ]),
    }),
    output: z.looseObject({
      total: z.number().int(),
      skip: z.number().int(),
      take: z.number().int(),
      // The v2 list row without comName and uniqueId.
      accounts: z.array(
        accountSummary.pick({
          accId: true,
          accName: true,
          activeApiIds: true,
          discordId: true,
          sysStatus: true,
          comStatus: true,
          archived: true,
          banned: true,
        }),
      ),
    }),
    example: { data: [{ skip: 0, take: 25, sysStatus: true }] },
  }),
  'v1.getDepartments': v1({
    section: 'general',
    // The page's sample answer is copied from Get Account Ranks; its description (departments
    // with their ranks and ids) is what the endpoint returns, in the v2 shape.
    summary: 'All departments with their ranks and ids.',
    path: '/general/get_departments',
    type: 'GET_DEPARTMENTS',
    limitLike: 'getDepartments',
    idempotent: true,
    input: z.strictObject({}),
    output: z.array(department),
    example: {},
  }),
  'v1.getProfileFields': v1({
    section: 'general',
    summary: 'The profile fields configured by the community.',
    path: '/general/get_profile_fields',
    type: 'GET_PROFILE_FIELDS',
    limitLike: 'getProfileFields',
    idempotent: true,
    input: z.strictObject({}),
    output: z.array(
      z.looseObject({
        id: z.string(),
        type: z.string(),
        label: z.string(),
        options: z.unknown().nullable(),
      }),
    ),
    example: {},
  }),
  'v1.getAccountRanks': v1({
    section: 'general',
    summary: 'The rank ids of an account.',
    path: '/general/get_account_ranks',
    type: 'GET_ACCOUNT_RANKS',
    limitLike: 'getAccountRanks',
    idempotent: true,
    input: z.strictObject({ data: z.tuple([byAccount]) }),
    output: z.array(z.string()),
    example: { data: [exampleLookup] },
  }),
  'v1.setAccountRanks': v1({
    section: 'general',
    summary:
      'Set, add or remove ranks of an account (remove wins over add); answers the new rank ids.',
    path: '/general/set_account_ranks',
    type: 'SET_ACCOUNT_RANKS',
    limitLike: 'setAccountRanks',
    idempotent: true,
    input: z.strictObject({
      data: z.tuple([
        withAccountLookup({
          set: z.array(nonEmpty).optional(),
          add: z.array(nonEmpty).optional(),
          remove: z.array(nonEmpty).optional(),
        }),
      ]),
    }),
    output: z.array(z.string()),
    example: { data: [{ ...exampleLookup, add: [EXAMPLE.secondRankId] }] },
  }),
  'v1.clockInOut': v1({
    section: 'general',
    summary: 'Toggle the clock of an account, or force it in or out.',
    path: '/general/clock_in_out',
    type: 'CLOCK_IN_OUT',
    limitLike: 'clockAccount',
    answers: 'text',
    input: z.strictObject({
      data: z.tuple([
        withAccountLookup({
          forceClockIn: z.boolean().optional(),
          forceClockOut: z.boolean().optional(),
        }),
      ]),
    }),
    output: z.enum(['CLOCKED IN', 'FORCE CLOCKED IN', 'CLOCKED OUT']),
    example: { data: [exampleLookup] },
  }),
  // Kick and Ban: the pages' request bodies, User Identification and the 400/404 lines are
  // documented. Their 200 lines (CLOCKED IN, FORCE CLOCKED IN, CLOCKED OUT), summary and type
  // (CLOCK_IN_OUT) are copied from Clock In/Out, so these are our reading: the output is any
  // line; the emulator answers ACCOUNT KICKED / ACCOUNT BANNED, also for an account already
  // out or banned (a no-op that pushes nothing); a kick sets comStatus false and leaves
  // sysStatus, the Sonoran-wide status; a ban does the same and sets banned.
  'v1.kickAccount': v1({
    section: 'general',
    summary: 'Kick an account from the community. No v2 equivalent.',
    path: '/general/kick_account',
    type: 'KICK_ACCOUNT',
    limitLike: null,
    // Kicking an account that is already out changes nothing.
    idempotent: true,
    answers: 'text',
    input: z.strictObject({ data: z.tuple([byAccount]) }),
    output: z.string(),
    example: { data: [exampleLookup] },
  }),
  'v1.banAccount': v1({
    section: 'general',
    summary: 'Ban an account from the community. No v2 equivalent.',
    path: '/general/ban_account',
    type: 'BAN_ACCOUNT',
    limitLike: null,
    idempotent: true,
    answers: 'text',
    input: z.strictObject({ data: z.tuple([byAccount]) }),
    output: z.string(),
    example: { data: [exampleLookup] },
  }),
  'v1.editAccountProfileFields': v1({
    section: 'general',
    summary: 'Edit profile field values of an account; answers the fields that hold data.',
    path: '/general/edit_acc_profile_fields',
    // Spelled as the docs spell it.
    type: 'EDIT_ACC_PROFLIE_FIELDS',
    limitLike: 'editProfileFields',
    idempotent: true,
    input: z.strictObject({
      data: z.tuple([
        withAccountLookup({
          profileFields: z.array(z.strictObject({ id: nonEmpty, value: z.unknown() })).min(1),
        }),
      ]),
    }),
    output: z.array(profileFieldValue),
    example: {
      data: [
        {
          ...exampleLookup,
          profileFields: [{ id: 'steam-ids', value: ['steam:110000100000001'] }],
        },
      ],
    },
  }),
};
