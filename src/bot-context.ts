import type { Redis } from 'ioredis';
import type { AuditLog } from './audit/audit-log.js';
import type { CmsService } from './cms/service/index.js';
import type { Config, DiscordConfig } from './config.js';
import type { InFlightInteractions } from './discord/in-flight.js';
import type { InteractionClaims } from './discord/interaction-claims.js';
import type { UnansweredInteractions } from './discord/unanswered.js';
import type { Logger } from './logger.js';
import type { BotOps } from './ops/index.js';
import type { StaffActions } from './staff-actions/staff-actions.js';

/** What every command and event handler is handed: settings, the CMS service, the audit log. */
export interface BotContext {
  config: Config & { discord: DiscordConfig };
  logger: Logger;
  cms: CmsService;
  audit: AuditLog;
  /** The bot's own Redis connection (locks, case numbers, caches); fails fast while Redis is down. */
  redis: Redis;
  /** Key prefix of this CMS credential: every key of the bot lives under it. */
  namespace: string;
  /** The interactions under way (a shutdown lets them finish). */
  interactions: InFlightInteractions;
  /** Which bot process handles each interaction, when several run on one token. */
  claims: InteractionClaims;
  /** Interactions Discord would not take an answer for (logged once per outage). */
  unanswered: UnansweredInteractions;
  /** /ban and /kick: member locks, confirmations, cases and retries of failed halves. */
  staffActions: StaffActions;
  /** Metrics hooks and the bot's status (/botstatus, /readyz, /metrics). */
  ops: BotOps;
}
