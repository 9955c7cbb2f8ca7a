import { EXAMPLE } from '../catalog/examples.js';
import type { Account, CommunityData, Identifier } from './community.js';

/**
 * A small, believable community for tests, benchmarks and the sandbox. Records the docs'
 * examples name (EXAMPLE ids) exist here, so every catalog example resolves.
 */

export const SANDBOX_COMMUNITY_ID = 'sandbox-community';
export const SANDBOX_API_KEY = 'sandbox-api-key';

const RANK = {
  cadet: EXAMPLE.rankId,
  officer: EXAMPLE.secondRankId,
  sergeant: '6f1d0b52-3c1e-4f7a-9a51-0c8b2d1e4a10',
  lieutenant: '6f1d0b52-3c1e-4f7a-9a51-0c8b2d1e4a11',
  captain: '6f1d0b52-3c1e-4f7a-9a51-0c8b2d1e4a12',
  probationaryFirefighter: '9a0e7c3d-52b4-4d6e-8f21-7b3c5d9e1f20',
  firefighter: '9a0e7c3d-52b4-4d6e-8f21-7b3c5d9e1f21',
  paramedic: '9a0e7c3d-52b4-4d6e-8f21-7b3c5d9e1f22',
  fireCaptain: '9a0e7c3d-52b4-4d6e-8f21-7b3c5d9e1f23',
  dispatcher: 'c4b2a1e0-7d6f-4e3a-b1c9-2d8e7f6a5b30',
  seniorDispatcher: 'c4b2a1e0-7d6f-4e3a-b1c9-2d8e7f6a5b31',
  civilian: 'e8d7c6b5-a4f3-4e2d-9c1b-0a9f8e7d6c40',
  moderator: 'b1a2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c50',
  administrator: 'b1a2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c51',
} as const;

const DEPARTMENT = {
  police: EXAMPLE.departmentId,
  fire: '9a0e7c3d-52b4-4d6e-8f21-7b3c5d9e1f00',
  communications: 'c4b2a1e0-7d6f-4e3a-b1c9-2d8e7f6a5b00',
  civilian: 'e8d7c6b5-a4f3-4e2d-9c1b-0a9f8e7d6c00',
  staff: 'b1a2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c00',
} as const;

const JOINED = '2025-03-14T19:02:11.000Z';

function identifiers(accId: string, ids: Record<string, string>): Identifier[] {
  return Object.entries(ids).map(([type, value], index) => ({
    id: `${accId.slice(0, 24)}${String(index + 1).padStart(12, '0')}`,
    type,
    value,
    verified: true,
    createdAt: JOINED,
  }));
}

interface MemberSeed {
  accId: string;
  username: string;
  accName: string;
  uniqueId: number;
  callsign: string | null;
  ranks: string[];
  ids: Record<string, string>;
  flags?: Partial<Pick<Account, 'sysStatus' | 'comStatus' | 'archived' | 'banned' | 'owner'>>;
}

function member(seed: MemberSeed): Account {
  return {
    accId: seed.accId,
    username: seed.username,
    accName: seed.accName,
    comName: seed.accName,
    uniqueId: seed.uniqueId,
    sysStatus: true,
    comStatus: true,
    archived: false,
    banned: false,
    owner: false,
    ...seed.flags,
    joinDate: JOINED,
    lastLogin: '2026-11-20T21:40:00.000Z',
    callsign: seed.callsign,
    bio: null,
    ranks: seed.ranks,
    identifiers: identifiers(seed.accId, seed.ids),
    profileFields: [
      ...(seed.ids.discord ? [{ id: 'discord', value: seed.ids.discord }] : []),
      ...(seed.callsign ? [{ id: 'callsign', value: seed.callsign }] : []),
    ],
  };
}

/** Members of the sandbox community; Discord ids are what the bot links users by. */
export const SANDBOX_MEMBERS = {
  example: EXAMPLE.accountId,
  chief: EXAMPLE.undoUserId,
  sergeant: '2b7f4c1a-9e3d-4b6a-8c2f-1d5e7a9b3c01',
  officer: '2b7f4c1a-9e3d-4b6a-8c2f-1d5e7a9b3c02',
  firefighter: '2b7f4c1a-9e3d-4b6a-8c2f-1d5e7a9b3c03',
  dispatcher: '2b7f4c1a-9e3d-4b6a-8c2f-1d5e7a9b3c04',
  civilian: '2b7f4c1a-9e3d-4b6a-8c2f-1d5e7a9b3c05',
  applicant: '2b7f4c1a-9e3d-4b6a-8c2f-1d5e7a9b3c06',
  banned: '2b7f4c1a-9e3d-4b6a-8c2f-1d5e7a9b3c07',
  retired: '2b7f4c1a-9e3d-4b6a-8c2f-1d5e7a9b3c08',
} as const;

export function sandboxCommunity(communityId = SANDBOX_COMMUNITY_ID): CommunityData {
  const m = SANDBOX_MEMBERS;
  const accounts: Account[] = [
    member({
      accId: m.example,
      username: EXAMPLE.username,
      accName: 'ExampleAccount',
      uniqueId: EXAMPLE.uniqueId,
      callsign: '1A-12',
      ranks: [RANK.cadet, RANK.officer],
      ids: { discord: EXAMPLE.discordId, roblox: EXAMPLE.robloxId },
    }),
    member({
      accId: m.chief,
      username: 'jcarter',
      accName: 'James Carter',
      uniqueId: 1002,
      callsign: '1A-1',
      ranks: [RANK.captain, RANK.administrator],
      ids: { discord: '235947056630333440', steam: 'steam:110000112345678' },
      flags: { owner: true },
    }),
    member({
      accId: m.sergeant,
      username: 'mreyes',
      accName: 'Maria Reyes',
      uniqueId: 1003,
      callsign: '1A-4',
      ranks: [RANK.sergeant, RANK.moderator],
      ids: { discord: '318295734567812096', steam: 'steam:110000187654321' },
    }),
    member({
      accId: m.officer,
      username: 'dpark',
      accName: 'Daniel Park',
      uniqueId: 1004,
      callsign: '1A-27',
      ranks: [RANK.officer],
      ids: { discord: '402817365912837120' },
    }),
    member({
      accId: m.firefighter,
      username: 'swhitaker',
      accName: 'Sam Whitaker',
      uniqueId: 1005,
      callsign: 'E-7',
      ranks: [RANK.firefighter, RANK.paramedic],
      ids: { discord: '527381946203817984' },
    }),
    member({
      accId: m.dispatcher,
      username: 'lnguyen',
      accName: 'Linh Nguyen',
      uniqueId: 1006,
      callsign: 'D-2',
      ranks: [RANK.dispatcher],
      ids: { discord: '611029384756102934' },
    }),
    member({
      accId: m.civilian,
      username: 'tbrooks',
      accName: 'Tom Brooks',
      uniqueId: 1007,
      callsign: null,
      ranks: [RANK.civilian],
      ids: { discord: '734918273645019283', roblox: '112233445' },
    }),
    member({
      accId: m.applicant,
      username: 'kowens',
      accName: 'Kira Owens',
      uniqueId: 1008,
      callsign: null,
      ranks: [],
      ids: { discord: '845019283746501928' },
      flags: { comStatus: false },
    }),
    member({
      accId: m.banned,
      username: 'rvoss',
      accName: 'Rick Voss',
      uniqueId: 1009,
      callsign: null,
      ranks: [],
      ids: { discord: '956120394857610293' },
      flags: { banned: true, comStatus: false },
    }),
    member({
      accId: m.retired,
      username: 'hgrant',
      accName: 'Helen Grant',
      uniqueId: 1010,
      callsign: '1A-3',
      ranks: [],
      ids: { discord: '167230495867120394' },
      flags: { archived: true },
    }),
  ];

  const rank = (id: string, label: string, power: number, primaryOnly = true) => ({
    id,
    label,
    primaryOnly,
    secondaryOnly: false,
    power,
  });

  return {
    id: communityId,
    uuid: '7c1e4a2b-5d3f-4e8a-9b6c-0d2f1e3a4b5c',
    name: 'Blaine County Roleplay',
    subVersion: 5,
    accounts,
    departments: [
      {
        uuid: DEPARTMENT.police,
        label: 'Police Department',
        labelTwo: 'Police',
        ranks: [
          rank(RANK.cadet, 'Cadet', 10),
          rank(RANK.officer, 'Officer', 20),
          rank(RANK.sergeant, 'Sergeant', 30),
          rank(RANK.lieutenant, 'Lieutenant', 40),
          rank(RANK.captain, 'Captain', 50),
        ],
      },
      {
        uuid: DEPARTMENT.fire,
        label: 'Fire & EMS',
        labelTwo: 'Fire',
        ranks: [
          rank(RANK.probationaryFirefighter, 'Probationary Firefighter', 10),
          rank(RANK.firefighter, 'Firefighter', 20),
          rank(RANK.paramedic, 'Paramedic', 25, false),
          rank(RANK.fireCaptain, 'Fire Captain', 50),
        ],
      },
      {
        uuid: DEPARTMENT.communications,
        label: 'Communications',
        labelTwo: 'Dispatch',
        ranks: [
          rank(RANK.dispatcher, 'Dispatcher', 10),
          rank(RANK.seniorDispatcher, 'Senior Dispatcher', 20),
        ],
      },
      {
        uuid: DEPARTMENT.civilian,
        label: 'Civilian Operations',
        labelTwo: 'Civ',
        ranks: [rank(RANK.civilian, 'Civilian', 10)],
      },
      {
        uuid: DEPARTMENT.staff,
        label: 'Community Staff',
        labelTwo: 'Staff',
        ranks: [
          rank(RANK.moderator, 'Moderator', 80, false),
          rank(RANK.administrator, 'Administrator', 90, false),
        ],
      },
    ],
    clockInTypes: [
      { id: 'patrol', label: 'Patrol' },
      { id: 'regular', label: 'Regular Duty' },
      { id: 'training', label: 'Training' },
      { id: 'dispatch', label: 'Dispatch' },
    ],
    customLogTypes: [
      { id: '33333333-3333-3333-3333-333333333333', label: 'Internal Warning', shortCode: 'warn' },
      { id: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b01', label: 'Commendation', shortCode: 'comm' },
    ],
    profileFieldDefinitions: [
      { id: 'discord', label: 'Discord', type: 'discord', options: null },
      { id: 'callsign', label: 'Callsign', type: 'text', options: null },
      { id: 'steam-ids', label: 'Steam IDs', type: 'text array', options: null },
      {
        id: 'timezone',
        label: 'Timezone',
        type: 'select',
        options: ['EST', 'CST', 'MST', 'PST', 'GMT'],
      },
    ],
    clockRows: [
      {
        id: '55555555-5555-5555-5555-555555555555',
        accId: m.example,
        startTime: '2026-11-18T18:00:00.000Z',
        endTime: '2026-11-18T21:12:00.000Z',
        completed: true,
        notes: [],
        type: 'patrol',
      },
      {
        id: '8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5960',
        accId: m.officer,
        startTime: '2026-11-21T20:05:00.000Z',
        endTime: null,
        completed: false,
        notes: [],
        type: 'patrol',
      },
      {
        id: '8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5961',
        accId: m.dispatcher,
        startTime: '2026-11-21T19:30:00.000Z',
        endTime: '2026-11-21T23:00:00.000Z',
        completed: true,
        notes: ['Quiet night'],
        type: 'dispatch',
      },
    ],
    servers: [
      {
        id: EXAMPLE.serverId,
        name: 'Main Server',
        description: 'Primary FiveM server',
        ip: '127.0.0.1',
        port: '30120',
        type: 'fivem',
        typeLastUpdated: JOINED,
        robloxJoinCode: '',
        aceMappings: [{ ranks: [RANK.administrator], principal: 'group.admin' }],
        whitelistRanks: [
          RANK.cadet,
          RANK.officer,
          RANK.sergeant,
          RANK.lieutenant,
          RANK.captain,
          RANK.firefighter,
          RANK.paramedic,
          RANK.dispatcher,
          RANK.civilian,
        ],
      },
      {
        id: 2,
        name: 'ER:LC Server',
        description: 'Emergency Response: Liberty County',
        ip: '',
        port: '',
        type: 'erlc',
        typeLastUpdated: JOINED,
        robloxJoinCode: EXAMPLE.robloxJoinCode,
        aceMappings: [],
        whitelistRanks: [],
      },
    ],
    sessions: [
      {
        id: '3f2e1d0c-9b8a-4765-8432-10fedcba9870',
        sysStatus: true,
        serverId: EXAMPLE.serverId,
        startedBy: m.chief,
        startedAt: '2026-11-20T18:00:00.000Z',
        endedBy: m.chief,
        endedAt: '2026-11-20T23:30:00.000Z',
        cancelledBy: null,
      },
    ],
    activity: [],
    records: [
      {
        id: EXAMPLE.recordId,
        status: true,
        accId: m.example,
        source: 'api',
        sourceId: 'api-request',
        points: 5,
        reason: 'Example disciplinary action',
        metadata: { executionSource: 'discord' },
        history: {
          '2026-10-02T17:45:00.000Z': {
            action: 'init',
            points: 5,
            reason: 'Example disciplinary action',
            timestamp: '2026-10-02T17:45:00.000Z',
            source: 'api',
            sourceId: 'api-request',
          },
        },
        createdAt: '2026-10-02T17:45:00.000Z',
        updatedAt: null,
      },
      {
        id: '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c21',
        status: true,
        accId: m.officer,
        source: 'user',
        sourceId: m.sergeant,
        points: 3,
        reason: 'Failure to follow pursuit policy',
        metadata: {},
        history: {
          '2026-11-01T22:10:00.000Z': {
            action: 'init',
            points: 3,
            reason: 'Failure to follow pursuit policy',
            timestamp: '2026-11-01T22:10:00.000Z',
            source: 'user',
            sourceId: m.sergeant,
          },
        },
        createdAt: '2026-11-01T22:10:00.000Z',
        updatedAt: null,
      },
    ],
    formTemplates: [
      {
        id: EXAMPLE.templateId,
        label: 'Police Academy Application',
        locked: false,
        stageGroupId: '11111111-1111-1111-1111-111111111111',
        stages: [
          { id: '22222222-2222-2222-2222-222222222222', label: 'Submitted' },
          { id: EXAMPLE.formStageId, label: 'Interview' },
          { id: '44444444-4444-4444-4444-444444444444', label: 'Training' },
          { id: '0f1e2d3c-4b5a-4697-8877-665544332211', label: 'Accepted' },
        ],
      },
      {
        id: 2,
        label: 'Ban Appeal',
        locked: true,
        stageGroupId: '9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4',
        stages: [
          { id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', label: 'Pending' },
          { id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5e', label: 'Decided' },
        ],
      },
    ],
    formSubmissions: [
      {
        formId: EXAMPLE.submissionId,
        templateId: EXAMPLE.templateId,
        submitter: m.example,
        submittedAt: '2026-11-10T16:20:00.000Z',
        lastActionAt: '2026-11-10T16:20:00.000Z',
        stageId: '22222222-2222-2222-2222-222222222222',
        fields: [{ label: 'Why do you want to join?', value: 'To serve Blaine County.' }],
      },
      {
        formId: 2,
        templateId: EXAMPLE.templateId,
        submitter: m.applicant,
        submittedAt: '2026-11-19T12:00:00.000Z',
        lastActionAt: '2026-11-19T12:00:00.000Z',
        stageId: '22222222-2222-2222-2222-222222222222',
        fields: [{ label: 'Why do you want to join?', value: 'Friends play here.' }],
      },
    ],
    rosters: [
      { id: EXAMPLE.rosterId, label: 'Police Roster', departmentId: DEPARTMENT.police },
      { id: 2, label: 'Fire & EMS Roster', departmentId: DEPARTMENT.fire },
    ],
    events: [
      {
        id: EXAMPLE.eventId,
        title: 'Monthly Community Meeting',
        startsAt: '2026-12-01T01:00:00.000Z',
        rsvps: [m.chief],
      },
      {
        id: 'd1c2b3a4-9f8e-4d7c-b6a5-4f3e2d1c0b9a',
        title: 'Academy Class 12',
        startsAt: '2026-12-05T23:00:00.000Z',
        rsvps: [],
      },
    ],
    erlc: [
      {
        joinCode: EXAMPLE.robloxJoinCode,
        players: [
          {
            Player: 'ExamplePlayer:123456789',
            Permission: 'Normal',
            Callsign: '',
            Team: 'Civilian',
          },
          {
            Player: 'DParkLSPD:402817365',
            Permission: 'Normal',
            Callsign: '1A-27',
            Team: 'Police',
          },
          {
            Player: 'CarterCmd:235947056',
            Permission: 'Server Administrator',
            Callsign: '1A-1',
            Team: 'Police',
          },
          { Player: 'Whitaker_E7:527381946', Permission: 'Normal', Callsign: 'E-7', Team: 'Fire' },
        ],
        queueLength: 3,
        teamCaps: {},
        commands: [],
        records: [],
      },
    ],
    promotionFlows: [
      {
        id: EXAMPLE.promotionFlowId,
        labelFrom: 'Cadet',
        labelTo: 'Officer',
        ranksToAdd: [RANK.officer],
        ranksToRemove: [RANK.cadet],
      },
    ],
    rankChanges: [
      {
        undoId: EXAMPLE.undoId,
        accId: m.example,
        previousRanks: [RANK.cadet],
        currentRanks: [RANK.cadet, RANK.officer],
        logId: '44444444-4444-4444-4444-444444444444',
        undone: false,
      },
    ],
    shortUrls: [],
  };
}
