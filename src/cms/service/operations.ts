import type { OperationName } from '../catalog/index.js';

/**
 * Every CMS operation the bot itself calls. A bot process runs queue workers for these only
 * (one blocking Redis connection each); `CMS_WORKER_OPERATIONS=all` serves the whole catalog.
 * The service modules can only submit operations from this list (see BotOperation).
 */
export const BOT_OPERATIONS = [
  // Linking a Discord member to their CMS account.
  'searchAccounts',
  'getAccount',
  // /clockin
  'getClockInTypes',
  'clockAccount',
  'getCurrentClockIn',
  // /whitelist
  'getServers',
  'verifyWhitelist',
  'getFullWhitelist',
  // /ban and /kick (v1 only)
  'v1.kickAccount',
  'v1.banAccount',
  // The audit channel: the reconciler's pages (its details are getAccount, above) and the names
  // of ranks and departments.
  'getAccounts',
  'getDepartments',
] as const satisfies readonly OperationName[];

export type BotOperation = (typeof BOT_OPERATIONS)[number];
