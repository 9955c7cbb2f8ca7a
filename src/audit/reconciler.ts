import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { CmsError } from '../cms/errors.js';
import type { AccountReads } from '../cms/service/account-reads.js';
import type { ClockInType } from '../cms/service/community.js';
import type { AccountDetails } from '../cms/service/index.js';
import { duration } from '../discord/format.js';
import type { Logger } from '../logger.js';
import type { AccountSnapshots } from './account-snapshots.js';
import type { AuditLog } from './audit-log.js';
import type { Intake } from './observations.js';
import { reconciledShifts, reconciledState } from './reconcile-findings.js';
import { ReconcileLock, type HeldLock } from './reconcile-lock.js';
import { CallSpacer, reconcileSpacingMs, type ReconcilePacing } from './reconcile-pacing.js';
import { nextInRotation, ReconcileState, type CompletedPass } from './reconcile-state.js';

/** Get Accounts' largest page. */
const PAGE_SIZE = 100;
/**
 * Clock times come from the CMS's clock, "since" from ours: a clock event this close before
 * the previous read is looked at again (its line has a fixed id, so it is never posted twice).
 */
const CLOCK_SKEW_MS = 5_000;
/** A fresh install's first pass waits this long (at most), so start-up's own reads go first. */
const FIRST_PASS_DELAY_MS = 15_000;
/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** However late the cadence is, a pass starts at least this long after the last attempt ended (at most a quarter interval). */
const MIN_GAP_MS = 5_000;

export interface ReconcilerOptions {
  /** A connection that fails fast while Redis is down (the bot's own). */
  redis: Redis;
  namespace: string;
  /** The CMS service's account reads (background priority). */
  reads: Pick<AccountReads, 'page' | 'details'>;
  intake: Intake;
  audit: Pick<AuditLog, 'record'>;
  snapshots: Pick<AccountSnapshots, 'count'>;
  /** The community's clock-in types, for shift lines (cached: never a CMS call per line). */
  clockInTypes: () => Promise<ClockInType[]>;
  /** RECONCILE_EVERY, and the CMS window and share the reconciler's calls are spaced by. */
  everyMs: number;
  pacing: ReconcilePacing;
  logger: Logger;
  /** At most this many detail reads a pass; by default, what the share allows in one interval. */
  maxDetailsPerPass?: number;
}

export type PassResult =
  | {
      status: 'done';
      id: string;
      /** Snapshots recorded, nothing posted (no pass had completed, or no snapshot existed). */
      firstPass: boolean;
      /** Accounts listed (Get Accounts rows) and accounts whose details were read (Get Account). */
      accounts: number;
      details: number;
      /** Shift lines recorded (one already posted, by /clockin or a pass before, is not posted again). */
      shifts: number;
      durationMs: number;
      /** How long reading every account's details takes at this pace (passes × interval). */
      detailCycleMs: number;
    }
  /** Another process is reconciling now; it does this pass. */
  | { status: 'locked' }
  /** The CMS or Redis failed: the pass stopped, and the next one reads everything again. */
  | { status: 'failed'; error: unknown }
  /** The bot is closing. */
  | { status: 'stopped' };

/** One pass under way. */
interface Pass {
  id: string;
  startedAt: number;
  firstPass: boolean;
  previous: CompletedPass | null;
  signal: AbortSignal;
  /** Throws when the bot is closing or the lock was lost: the pass stops there. */
  guard(): void;
}

export interface ReconcilerEvents {
  /** One of the pass's CMS reads answered (and what it found was handed on). */
  read: [{ operation: 'getAccounts' | 'getAccount'; accId?: string }];
  /** A pass ended, however it ended. */
  pass: [PassResult];
}

/**
 * The audit channel's second source beside push events (which Sonoran does not send in
 * production): every RECONCILE_EVERY it reads every account (Get Accounts pages) and, round-robin,
 * some accounts' details (Get Account: ranks and clock), within RECONCILE_SHARE of each
 * operation's budget and at background priority. What it reads goes to the intake as
 * observations, whose snapshot diff posts each change once, whichever source saw it first; clock
 * events made outside the bot go to the shift log. One process reconciles at a time.
 */
export class Reconciler extends EventEmitter<ReconcilerEvents> {
  private readonly state: ReconcileState;
  private readonly lock: ReconcileLock;
  private readonly stopping = new AbortController();
  private readonly pageSpacer: CallSpacer;
  private readonly detailSpacer: CallSpacer;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PassResult> | undefined;
  /** Failed passes in a row: an outage is logged once, and its end once. */
  private failuresInARow = 0;

  constructor(private readonly options: ReconcilerOptions) {
    super();
    this.state = new ReconcileState(options.redis, options.namespace);
    this.lock = new ReconcileLock(options.redis, this.state.lockKey);
    this.pageSpacer = new CallSpacer(reconcileSpacingMs('getAccounts', options.pacing));
    this.detailSpacer = new CallSpacer(reconcileSpacingMs('getAccount', options.pacing));
  }

  /** Makes passes on a timer from now on, at the cadence every process shares through Redis. */
  start(): void {
    void this.scheduleNext();
  }

  /** One pass now (or the one under way in this process); tests drive passes with this. */
  runPass(): Promise<PassResult> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops the timer and the pass under way (its reads so far are kept; the next pass goes on). */
  async close(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  private async scheduleNext(): Promise<void> {
    const { everyMs, logger } = this.options;
    const now = Date.now();
    let dueAt = now + everyMs;
    try {
      const last = await this.state.lastStartedAt();
      dueAt = last === null ? now + Math.min(everyMs, FIRST_PASS_DELAY_MS) : last + everyMs;
    } catch (error) {
      logger.debug(
        { err: error },
        'could not read the reconciliation cadence; trying in an interval',
      );
    }
    if (this.stopping.signal.aborted) return;
    dueAt = Math.max(dueAt, now + Math.min(everyMs / 4, MIN_GAP_MS));
    // A timer longer than about 24 days fires at once: wake up on the way and look again.
    const waitMs = dueAt - Date.now();
    this.timer = setTimeout(
      () =>
        void (waitMs > MAX_TIMER_MS
          ? this.scheduleNext()
          : this.runPass().then(() => this.scheduleNext())),
      Math.min(waitMs, MAX_TIMER_MS),
    );
  }

  private async pass(): Promise<PassResult> {
    const signal = this.stopping.signal;
    let result: PassResult;
    let lock: HeldLock | null = null;
    try {
      if (signal.aborted) result = { status: 'stopped' };
      else if (!(lock = await this.lock.acquire())) {
        this.options.logger.debug('another process is reconciling; this one skips its pass');
        result = { status: 'locked' };
      } else result = await this.read(lock, signal);
    } catch (error) {
      result = signal.aborted ? { status: 'stopped' } : this.failed(error);
    } finally {
      await lock?.release();
    }
    this.emit('pass', result);
    return result;
  }

  private async read(lock: HeldLock, signal: AbortSignal): Promise<PassResult> {
    const { snapshots, everyMs, logger } = this.options;
    const startedAt = Date.now();
    await this.state.passStarted(startedAt);
    const previous = await this.state.lastCompleted();
    const pass: Pass = {
      id: randomUUID(),
      startedAt,
      // Without a completed pass or any snapshot, every account would be news: record them only.
      firstPass: previous === null || (await snapshots.count()) === 0,
      previous,
      signal,
      guard: () => {
        signal.throwIfAborted();
        if (lock.lost) throw new Error('the reconciliation lock expired during the pass');
      },
    };
    const accIds = await this.readPages(pass);
    // Ranks and clocks are only in the details: the next accounts of the round-robin, as many
    // as the share allows in what is left of the interval.
    const allowed = Math.floor((everyMs - (Date.now() - startedAt)) / this.detailSpacer.spacingMs);
    const count = Math.min(accIds.length, this.options.maxDetailsPerPass ?? Math.max(1, allowed));
    const { details, shifts } = await this.readDetails(pass, accIds, count);

    const finishedAt = Date.now();
    await this.state.passCompleted({
      id: pass.id,
      startedAt,
      finishedAt,
      accounts: accIds.length,
      details,
    });
    const durationMs = finishedAt - startedAt;
    const passesPerCycle = count === 0 ? 0 : Math.ceil(accIds.length / count);
    const detailCycleMs = passesPerCycle * Math.max(everyMs, durationMs);
    if (this.failuresInARow > 0)
      logger.info({ failedPasses: this.failuresInARow }, 'reconciliation passes complete again');
    this.failuresInARow = 0;
    const { share } = this.options.pacing;
    logger.info(
      {
        pass: pass.id,
        firstPass: pass.firstPass,
        accounts: accIds.length,
        details,
        shifts,
        durationMs,
        detailCycleMs,
        share,
      },
      `reconciliation pass: ${accIds.length} accounts and ${details} account details read in ` +
        `${duration(durationMs)}; at RECONCILE_SHARE ${share} every account's details are read ` +
        `once every ${duration(detailCycleMs)}` +
        (pass.firstPass ? ' (first pass: snapshots recorded, nothing posted)' : ''),
    );
    return {
      status: 'done',
      id: pass.id,
      firstPass: pass.firstPass,
      accounts: accIds.length,
      details,
      shifts,
      durationMs,
      detailCycleMs,
    };
  }

  /** Every account, page by page: what a row shows (status, name, Discord) is compared now. */
  private async readPages(pass: Pass): Promise<string[]> {
    const accIds: string[] = [];
    for (let skip = 0; ;) {
      pass.guard();
      // `at` is taken before the request leaves: the rows may be older than anything the
      // intake hears meanwhile (a push event), and it then takes them as stale.
      const { at, page } = await this.pageSpacer.run(async () => {
        const at = Date.now();
        return {
          at,
          page: await untilStopped(this.options.reads.page(skip, PAGE_SIZE), pass.signal),
        };
      }, pass.signal);
      for (const account of page.accounts) {
        await this.options.intake.accept(
          reconciledState(account, at, pass.firstPass),
          `reconcile:${pass.id}:${account.accId}`,
        );
        accIds.push(account.accId);
      }
      this.emit('read', { operation: 'getAccounts' });
      skip += page.accounts.length;
      if (page.accounts.length === 0 || skip >= page.total) return accIds;
    }
  }

  /**
   * The details of the next `count` accounts of the round-robin: their ranks to the intake, and
   * their clock events since they were last read to the shift log. The cursor moves after each,
   * so a pass that stops, or the next process, goes on from there.
   */
  private async readDetails(pass: Pass, accIds: string[], count: number) {
    const types = pass.firstPass ? [] : await this.options.clockInTypes().catch(() => []);
    const typeLabel = (typeId: string | null) =>
      types.find((type) => type.id === typeId)?.label ?? typeId ?? 'unknown type';
    let details = 0;
    let shifts = 0;
    for (const accId of nextInRotation(accIds, await this.state.cursor(), count)) {
      pass.guard();
      const { readAt, account } = await this.detailSpacer.run(async () => {
        // Taken before the request leaves: a clock event after it is news for the next read.
        const readAt = Date.now();
        return { readAt, account: await this.detailsOf(accId, pass.signal) };
      }, pass.signal);
      if (account) {
        await this.options.intake.accept(
          reconciledState(account, readAt, pass.firstPass),
          `reconcile:${pass.id}:${accId}:details`,
        );
        const since = await this.clockNewsSince(pass, accId);
        if (since !== null)
          for (const event of reconciledShifts(account, since, typeLabel)) {
            await this.options.audit.record(event);
            shifts += 1;
          }
        details += 1;
      }
      await this.state.detailsRead(accId, readAt);
      this.emit('read', { operation: 'getAccount', accId });
    }
    return { details, shifts };
  }

  /**
   * Clock events after this are news: after the account's clock was last read, or, never read,
   * after the previous pass began. A first pass records nothing.
   */
  private async clockNewsSince(pass: Pass, accId: string): Promise<number | null> {
    if (pass.firstPass || !pass.previous) return null;
    const lastRead = (await this.state.clockReadAt(accId)) ?? pass.previous.startedAt;
    return lastRead - CLOCK_SKEW_MS;
  }

  /**
   * One account's details, or null when there is nothing to compare: the account is gone, or
   * the CMS's answer about it is unusable (logged; the round-robin moves on rather than stall on
   * it). Anything else (the CMS down) stops the pass.
   */
  private async detailsOf(accId: string, signal: AbortSignal): Promise<AccountDetails | null> {
    try {
      return await untilStopped(this.options.reads.details(accId), signal);
    } catch (error) {
      if (
        error instanceof CmsError &&
        (error.kind === 'invalid-input' || error.kind === 'invalid-response')
      ) {
        this.options.logger.warn(
          { err: error, accId },
          "an account's details could not be read; the reconciler skips it this round",
        );
        return null;
      }
      throw error;
    }
  }

  private failed(error: unknown): PassResult {
    const { logger } = this.options;
    if (this.failuresInARow === 0)
      logger.error(
        { err: error },
        'a reconciliation pass stopped (the CMS or Redis did not answer); nothing is lost: the next pass reads everything again',
      );
    else logger.debug({ err: error }, 'the reconciliation pass stopped again');
    this.failuresInARow += 1;
    return { status: 'failed', error };
  }
}

/** The call's answer, or the stop's reason if the bot closes first (the call itself finishes alone). */
function untilStopped<T>(call: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    call.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
