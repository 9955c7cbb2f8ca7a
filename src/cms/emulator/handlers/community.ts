import { notFound } from '../problem.js';
import { SUB_VERSION_TIERS } from '../community.js';
import { communitySummaryView, departmentView } from '../views.js';
import type { Handlers } from './handler.js';

export const communityHandlers = {
  getCommunity: (_, c) => communitySummaryView(c, SUB_VERSION_TIERS),
  getSubVersion: (_, c) => ({
    subVersion: c.data.subVersion,
    tier: SUB_VERSION_TIERS[c.data.subVersion] ?? 'Free',
  }),
  lookupCommunity: ({ query }, c) => {
    if (query.id !== c.data.id && query.uuid !== c.data.uuid)
      throw notFound('No community matches that id or uuid.');
    return communitySummaryView(c, SUB_VERSION_TIERS);
  },
  getDepartments: (_, c) => c.data.departments.map(departmentView),
  getProfileFields: (_, c) => c.data.profileFieldDefinitions.map((f) => ({ ...f, metadata: {} })),
  getClockInTypes: (_, c) => c.data.clockInTypes.map((t) => ({ ...t })),
  getCustomLogTypes: (_, c) => c.data.customLogTypes.map((t) => ({ ...t })),
  createShortUrl: ({ body }, c) => {
    const redirect = `https://sonorancms.com/community/${c.data.id}${body.path}`;
    c.data.shortUrls.push({ path: body.path, redirect });
    return { success: true, redirect };
  },
  'v1.getSubVersion': (_, c) => c.data.subVersion,
  'v1.getDepartments': (_, c) => c.data.departments.map(departmentView),
  'v1.getProfileFields': (_, c) => c.data.profileFieldDefinitions.map((f) => ({ ...f })),
} satisfies Partial<Handlers>;
