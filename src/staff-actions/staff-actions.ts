import type { Client, Guild } from 'discord.js';
import type { Redis } from 'ioredis';
import type { AuditLog } from '../audit/audit-log.js';
import type { CallOptions, CmsService } from '../cms/service/index.js';
import { PendingConfirmations } from '../discord/confirmation.js';
import type { Logger } from '../logger.js';
import { caseEvent, CaseStore, type CaseState } from './case-store.js';
import { applyInCms } from './cms-half.js';
import { applyInDiscord } from './discord-half.js';
import { MemberLocks } from './member-lock.js';
import { dmMember, type DmOutcome } from './notify-member.js';
import { StaffActionRetries } from './retry-queue.js';
import type { StaffCase, StaffRequest } from './staff-action.js';

export interface StaffActionsOptions {
  /** The bot's fail-fast connection: locks, confirmations, cases. */
  redis: Redis;
  /** A connection for BullMQ (maxRetriesPerRequest: null): the retry queue. */
  connection: Redis;
  namespace: string;
  logger: Logger;
  audit: AuditLog;
  cms: CmsService;
  /** The first wait before a failed half is tried again. */
  retryBaseMs: number;
}

export interface CarriedOut {
  state: CaseState;
  dm: DmOutcome;
  /** The case could not be stored (Redis): no audit notice and no retry; the reply says so. */
  unrecorded: boolean;
}

/**
 * What /ban and /kick share beyond one interaction: the per-member locks, the pending
 * confirmations, the numbered cases, and the durable retries of failed halves.
 */
export class StaffActions {
  readonly locks: MemberLocks;
  readonly confirmations: PendingConfirmations<StaffRequest>;
  readonly cases: CaseStore;
  private readonly retries: StaffActionRetries;

  constructor(private readonly options: StaffActionsOptions) {
    this.locks = new MemberLocks(options.redis, options.namespace);
    this.confirmations = new PendingConfirmations(options.redis, `${options.namespace}:confirm`);
    this.cases = new CaseStore(options.redis, options.namespace);
    this.retries = new StaffActionRetries({
      connection: options.connection,
      namespace: options.namespace,
      logger: options.logger,
      cases: this.cases,
      audit: options.audit,
      cms: options.cms,
      retryBaseMs: options.retryBaseMs,
    });
  }

  /** Starts the retry worker (after the client has logged in: Discord retries need it). */
  start(client: Client): Promise<void> {
    return this.retries.start(client);
  }

  async close(): Promise<void> {
    this.confirmations.close();
    await this.retries.close();
  }

  /**
   * Carries out a confirmed request as case #N: the DM then the Discord action, alongside the
   * CMS action; then the case goes to the audit channel and each failed half that may yet
   * work is queued for retry. Each half's outcome is reported on its own, never merged.
   */
  async carryOut(
    request: StaffRequest,
    guild: Guild,
    options: { calls: CallOptions; dm: boolean },
  ): Promise<CarriedOut> {
    const { logger, cms, audit } = this.options;
    const caseNumber = await this.cases.nextNumber(request.guildId);
    const staffCase: StaffCase = { ...request, caseNumber, at: Date.now() };
    const inDiscord = (async () => {
      // The DM first: once banned or kicked, they share no server with the bot.
      const dm = options.dm ? await dmMember(guild.client, staffCase, guild.name, logger) : 'off';
      return { dm, result: await applyInDiscord(guild, staffCase, logger) };
    })();
    const [{ dm, result: discord }, inCms] = await Promise.all([
      inDiscord,
      applyInCms(cms, staffCase, options.calls, logger),
    ]);
    const state: CaseState = {
      staffCase,
      discord: discord.outcome,
      cms: inCms.outcome,
      revision: 1,
    };
    try {
      await this.cases.open(staffCase, discord.outcome, inCms.outcome);
      await audit.record(caseEvent(state));
      const retry = { guildId: request.guildId, caseNumber };
      if (discord.retry) await this.retries.schedule({ ...retry, half: 'discord' });
      if (inCms.retry) await this.retries.schedule({ ...retry, half: 'cms' });
    } catch (error) {
      logger.error(
        { err: error, case: caseNumber, guild: request.guildId },
        'a staff action was carried out but its case could not be recorded',
      );
      return { state, dm, unrecorded: true };
    }
    logger.info(
      {
        case: caseNumber,
        guild: request.guildId,
        action: request.action,
        staff: request.staff.id,
        target: request.target.id,
        discord: discord.outcome.status,
        cms: inCms.outcome.status,
      },
      'staff action carried out',
    );
    return { state, dm, unrecorded: false };
  }
}
