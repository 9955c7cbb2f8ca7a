import type {
  Account,
  ActivityRow,
  ClockRow,
  Community,
  Department,
  DisciplinaryRecord,
  FormSubmission,
  Server,
  Session,
} from './community.js';

/** How the emulated CMS shows its records in answers, following the docs' examples. */

export function clockView(row: ClockRow) {
  return {
    id: row.id,
    startTime: row.startTime,
    endTime: row.endTime,
    completed: row.completed,
    notes: row.notes,
    type: row.type,
  };
}

export function identifierView(account: Account, identifier: Account['identifiers'][number]) {
  return {
    id: identifier.id,
    accId: account.accId,
    type: identifier.type,
    value: identifier.value,
    refCount: 1,
    verified: identifier.verified,
    metadata: {},
    flagId: null,
    createdAt: identifier.createdAt,
    updatedAt: null,
  };
}

export function accountSummaryView(community: Community, account: Account) {
  return {
    accId: account.accId,
    uniqueId: account.uniqueId,
    accName: account.accName,
    comName: account.comName,
    activeApiIds: community.activeApiIds(account),
    discordId: community.identifierValue(account, 'discord'),
    sysStatus: account.sysStatus,
    comStatus: account.comStatus,
    archived: account.archived,
    banned: account.banned,
    teamspeakId: community.identifierValue(account, 'teamspeak'),
  };
}

export function accountDetailView(community: Community, account: Account) {
  return {
    ...accountSummaryView(community, account),
    joinDate: account.joinDate,
    lastLogin: account.lastLogin,
    owner: account.owner,
    identifiers: { idents: account.identifiers.map((i) => identifierView(account, i)) },
    ranks: [...account.ranks],
    profileFields: { data: account.profileFields.map((f) => ({ ...f })) },
    clockData: {
      data: community.data.clockRows.filter((r) => r.accId === account.accId).map(clockView),
    },
  };
}

export function accountRowView(community: Community, account: Account) {
  return {
    ...accountDetailView(community, account),
    banInfo: null,
    banExpiration: null,
    apiIdPreference: 0,
    apiIds: { ids: [] },
    bio: account.bio,
    robloxId: community.identifierValue(account, 'roblox'),
    customUniqueId: false,
    notificationPreferences: {
      forms: {
        statusChange: { inbox: true, desktop: true, mobile: true, email: true, discord: true },
      },
    },
  };
}

/** The v1 account object (the base of the ACCOUNT_UPDATED push event's `data`). */
export function v1AccountView(community: Community, account: Account) {
  const ranks = account.ranks.map((id) => community.findRank(id)).filter((r) => r !== undefined);
  // The highest rank in a primary-capable role is the primary rank, the rest secondary.
  const ordered = [...ranks].sort((a, b) => b.rank.power - a.rank.power);
  const primary = ordered.find((r) => !r.rank.secondaryOnly);
  const secondary = ordered.filter((r) => r !== primary);
  return {
    accId: account.accId,
    comStatus: account.comStatus,
    accName: account.accName,
    comName: account.comName,
    primaryIdentifier: account.callsign,
    secondaryIdentifiers: [],
    primaryRank: primary?.rank.id ?? null,
    secondaryRanks: secondary.map((r) => r.rank.id),
    primaryDepartment: primary?.department.uuid ?? null,
    secondaryDepartments: [...new Set(secondary.map((r) => r.department.uuid))],
    joinDate: account.joinDate,
    owner: account.owner,
    banned: account.banned,
    lastLogin: account.lastLogin,
    activeApiIds: community.activeApiIds(account, 'bare'),
  };
}

/** The zone the emulated CMS writes push event times in: the docs' sample is at -0800. */
const PUSH_ZONE_OFFSET_MINUTES = -8 * 60;

/**
 * A time as Sonoran's push events write it, `2022-02-22 20:28:40.000 -0800` (its API answers ISO
 * 8601 instead): the wall-clock time in the zone, then the zone's offset.
 */
export function formatCmsTimestamp(ms: number, offsetMinutes = PUSH_ZONE_OFFSET_MINUTES): string {
  const wall = new Date(ms + offsetMinutes * 60_000).toISOString();
  const two = (n: number) => String(n).padStart(2, '0');
  const magnitude = Math.abs(offsetMinutes);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const zone = `${sign}${two(Math.floor(magnitude / 60))}${two(magnitude % 60)}`;
  return `${wall.slice(0, 10)} ${wall.slice(11, 23)} ${zone}`;
}

/** An ISO time of the emulator's records in the push events' format (unparseable text as is). */
function pushTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : formatCmsTimestamp(ms);
}

/** The `data` of ACCOUNT_UPDATED: the Discord id and the v1 account, times as the docs write them. */
export function accountUpdatedPushData(community: Community, account: Account) {
  const view = v1AccountView(community, account);
  return {
    discordId: community.identifierValue(account, 'discord'),
    ...view,
    joinDate: pushTime(view.joinDate),
    lastLogin: view.lastLogin === null ? null : pushTime(view.lastLogin),
  };
}

export function recordView(record: DisciplinaryRecord) {
  return {
    ...record,
    metadata: { ...record.metadata },
    history: { ...record.history },
    expired: false,
  };
}

export function sessionView(community: Community, session: Session) {
  return { ...session, community: community.data.uuid, stats: {}, metadata: {} };
}

export function activityView(row: ActivityRow) {
  return { ...row, metadata: {} };
}

export function serverView(server: Server) {
  return {
    id: server.id,
    name: server.name,
    description: server.description,
    ip: server.ip,
    port: server.port,
    typeLastUpdated: server.typeLastUpdated,
    type: server.type,
    robloxJoinCode: server.robloxJoinCode,
    aceConfig: { mappings: server.aceMappings.map((m) => ({ ...m })) },
  };
}

export function submissionView(community: Community, submission: FormSubmission) {
  const template = community.data.formTemplates.find((t) => t.id === submission.templateId);
  return {
    formId: submission.formId,
    sysStatus: true,
    submissionTime: submission.submittedAt,
    lastActionTime: submission.lastActionAt,
    formSubmitter: submission.submitter,
    formContextUser: null,
    relatedUsers: [],
    formStructure: {
      _label: template?.label ?? 'Form',
      fields: submission.fields.map((f) => ({ ...f })),
    },
    formComments: { comments: [] },
    stageId: submission.stageId,
    stageGroupId: template?.stageGroupId ?? null,
    stageInfoBackup: { stages: [], groups: [] },
    formTemplateId: submission.templateId,
    formType: 0,
    formReplySettings: { locked: template?.locked ?? false, submitter: true, rankIds: [] },
    showInProfile: false,
    stages: (template?.stages ?? []).map((s) => ({ ...s })),
  };
}

export function communitySummaryView(community: Community, tiers: string[]) {
  const { data } = community;
  return {
    id: data.id,
    uuid: data.uuid,
    name: data.name,
    subVersion: data.subVersion,
    tier: tiers[data.subVersion] ?? 'Free',
    servers: data.servers.length,
  };
}

export function departmentView(department: Department) {
  return { ...department, ranks: department.ranks.map((rank) => ({ ...rank })) };
}
