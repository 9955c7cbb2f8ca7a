import type { Redis } from 'ioredis';
import type { StaffActionEvent } from '../audit/audit-events.js';
import { defineLuaScript, luaScript, runLuaScript } from '../queue/scripts/lua-script.js';
import type { ActionOutcome, Half, StaffCase } from './staff-action.js';

/** A case as it stands: both outcomes, and a revision that grows with every change. */
export interface CaseState {
  staffCase: StaffCase;
  discord: ActionOutcome;
  cms: ActionOutcome;
  revision: number;
}

/** Cases are kept long enough for any retry to settle and staff to look back. */
const CASE_KEPT_MS = 90 * 24 * 3600_000;

/**
 * Sets one half's outcome of an existing case and bumps its revision, reading the whole case
 * back in the same step: the revision and the snapshot always belong together, whichever half
 * settles first.
 *
 * KEYS  caseKey
 * ARGV  half, outcome
 * Returns {case, discord, cms, revision}, or false when the case is gone.
 */
const SETTLE_CASE_HALF = luaScript({
  name: 'sonoranSettleCaseHalf',
  keys: ['caseKey'],
  args: ['half', 'outcome'],
  body: `
if redis.call('EXISTS', caseKey) == 0 then return false end
redis.call('HSET', caseKey, half, outcome)
redis.call('HINCRBY', caseKey, 'revision', 1)
return redis.call('HMGET', caseKey, 'case', 'discord', 'cms', 'revision')
`,
});

type Fields = [string | null, string | null, string | null, string | null];

/** Staff cases in Redis: numbered per guild (INCR), one hash each. */
export class CaseStore {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {
    defineLuaScript(redis, SETTLE_CASE_HALF);
  }

  /** The guild's next case number: 1, 2, 3... */
  async nextNumber(guildId: string): Promise<number> {
    return this.redis.incr(`${this.namespace}:cases:${guildId}`);
  }

  async open(staffCase: StaffCase, discord: ActionOutcome, cms: ActionOutcome): Promise<CaseState> {
    const key = this.key(staffCase.guildId, staffCase.caseNumber);
    await this.redis
      .multi()
      .hset(key, {
        case: JSON.stringify(staffCase),
        discord: JSON.stringify(discord),
        cms: JSON.stringify(cms),
        revision: 1,
      })
      .pexpire(key, CASE_KEPT_MS)
      .exec();
    return { staffCase, discord, cms, revision: 1 };
  }

  /** Records one half's new outcome; null when the case is no longer kept. */
  async settle(
    guildId: string,
    caseNumber: number,
    half: Half,
    outcome: ActionOutcome,
  ): Promise<CaseState | null> {
    const fields = await runLuaScript<'caseKey', 'half' | 'outcome', Fields | null>(
      this.redis,
      SETTLE_CASE_HALF,
      { caseKey: this.key(guildId, caseNumber) },
      { half, outcome: JSON.stringify(outcome) },
    );
    return fields ? parse(fields) : null;
  }

  async get(guildId: string, caseNumber: number): Promise<CaseState | null> {
    const fields = (await this.redis.hmget(
      this.key(guildId, caseNumber),
      'case',
      'discord',
      'cms',
      'revision',
    )) as Fields;
    return parse(fields);
  }

  private key(guildId: string, caseNumber: number): string {
    return `${this.namespace}:case:${guildId}:${caseNumber}`;
  }
}

function parse([staffCase, discord, cms, revision]: Fields): CaseState | null {
  if (!staffCase || !discord || !cms || !revision) return null;
  return {
    staffCase: JSON.parse(staffCase) as StaffCase,
    discord: JSON.parse(discord) as ActionOutcome,
    cms: JSON.parse(cms) as ActionOutcome,
    revision: Number(revision),
  };
}

/** The audit event of a case as it stands: each revision edits the case's one message. */
export function caseEvent(state: CaseState): StaffActionEvent {
  const c = state.staffCase;
  const subject = `staff-action.${c.guildId}.${c.caseNumber}`;
  return {
    type: 'staff-action',
    id: `${subject}.r${state.revision}`,
    subject,
    revision: state.revision,
    at: c.at,
    guildId: c.guildId,
    caseNumber: c.caseNumber,
    action: c.action,
    staff: c.staff,
    target: c.target,
    account: c.account,
    reason: c.reason,
    discord: state.discord,
    cms: state.cms,
  };
}
