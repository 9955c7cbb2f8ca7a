import type { Client } from 'discord.js';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PassResult } from '../audit/reconciler.js';
import type { OperationName } from '../cms/catalog/index.js';
import type { CmsError } from '../cms/errors.js';
import type { Priority, QueueHooks } from '../queue/index.js';
import type { JobOutcome } from '../queue/jobs.js';
import { errorKindOf, RecentCmsRequests } from './recent-cms-requests.js';
import type { BotStatus } from './status.js';

const PREFIX = 'sonoran_bot_';
/** CMS requests run from a few ms to CMS_TIMEOUT_MS (10 s by default). */
const REQUEST_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** A queued call waits from nothing to the 14-minute interactive deadline. */
const WAIT_BUCKETS = [0.01, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 900];
/** Discord wants an acknowledgement within 3 s; answers may wait on the CMS queue for minutes. */
const INTERACTION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 300, 900];

export type PushOutcome = 'accepted' | 'duplicate' | 'refused';
export type InteractionPhase = 'acknowledge' | 'answer';
export type InteractionOutcome = 'ok' | 'refused' | 'cms_error' | 'failed';

/**
 * The bot's Prometheus metrics, in a registry of its own (tests run several bots in one
 * process). Modules are handed small hooks (`queueHooks`, `interaction`, `pushEvent`…) and never
 * import prom-client. Counters count where things happen; gauges are set from a status snapshot
 * at each scrape (`observe`). Labels are operation, command, event type and reason names only:
 * never an id, a key or a token.
 */
export class OpsMetrics {
  readonly registry = new Registry();
  /** This process's latest CMS requests, for the readiness check. */
  readonly recentCms = new RecentCmsRequests();

  private readonly cmsRequestSeconds = new Histogram({
    name: `${PREFIX}cms_request_duration_seconds`,
    help: 'HTTP requests to the CMS sent by this process, by outcome (ok or the error kind)',
    labelNames: ['operation', 'outcome'] as const,
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });
  private readonly cmsErrors = new Counter({
    name: `${PREFIX}cms_request_errors_total`,
    help: 'Failed HTTP requests to the CMS, by kind (timeout, network, auth, http_4xx, http_5xx, rate-limited, invalid-response…)',
    labelNames: ['operation', 'kind'] as const,
    registers: [this.registry],
  });
  private readonly cms429 = new Counter({
    name: `${PREFIX}cms_rate_limited_total`,
    help: 'CMS answers 429 (each pauses the whole credential)',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  private readonly cmsCalls = new Counter({
    name: `${PREFIX}cms_calls_total`,
    help: "This process's queued CMS calls that settled, by outcome (ok or the error kind)",
    labelNames: ['operation', 'priority', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly queueWaitSeconds = new Histogram({
    name: `${PREFIX}cms_queue_wait_seconds`,
    help: 'Time a CMS call waited in the queue before its (last) send',
    labelNames: ['operation', 'priority'] as const,
    buckets: WAIT_BUCKETS,
    registers: [this.registry],
  });
  private readonly queueDepth = this.gauge('cms_queue_depth', 'CMS calls waiting, all processes', [
    'operation',
    'priority',
  ]);
  private readonly queueActive = this.gauge(
    'cms_queue_active',
    'CMS calls being sent now, all processes',
    ['operation'],
  );
  private readonly queueSleep = this.gauge(
    'cms_queue_sleep_seconds',
    "How long the operation's queue sleeps before its next send may try",
    ['operation'],
  );
  private readonly budgetUsed = this.gauge(
    'cms_budget_used',
    "Sends in the current window of the operation's budget (a v1 operation shares its v2 twin's)",
    ['operation'],
  );
  private readonly budgetLimit = this.gauge(
    'cms_budget_limit',
    "Sends the operation's budget allows per window",
    ['operation'],
  );
  private readonly paused = this.gauge(
    'cms_paused_seconds',
    'Time left on the credential-wide pause after a 429 (0: not paused)',
  );
  private readonly pushEvents = new Counter({
    name: `${PREFIX}push_events_total`,
    help: 'Sonoran push events received, by type and outcome (accepted, duplicate, refused) and, for refusals, reason',
    labelNames: ['type', 'outcome', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly reconcilePasses = new Counter({
    name: `${PREFIX}reconcile_passes_total`,
    help: "This process's reconciliation passes, by status (done, failed, locked, stopped)",
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  private readonly lastPassSeconds = this.gauge(
    'reconcile_last_duration_seconds',
    'How long the last completed reconciliation pass (any process) took',
  );
  private readonly lastPassAt = this.gauge(
    'reconcile_last_success_timestamp_seconds',
    'When the last completed reconciliation pass (any process) ended (Unix time)',
  );
  private readonly lastPassAccounts = this.gauge(
    'reconcile_last_accounts',
    'Accounts the last completed reconciliation pass listed',
  );
  private readonly auditBacklog = this.gauge(
    'audit_backlog',
    'Audit work waiting: notices for their channel, observations to diff',
    ['stage'],
  );
  private readonly interactionSeconds = new Histogram({
    name: `${PREFIX}interaction_duration_seconds`,
    help: 'From receiving a slash command to its acknowledgement, and to its answer',
    labelNames: ['command', 'phase'] as const,
    buckets: INTERACTION_BUCKETS,
    registers: [this.registry],
  });
  private readonly interactions = new Counter({
    name: `${PREFIX}interactions_total`,
    help: 'Slash commands handled, by outcome (ok, refused, cms_error, failed)',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly discord429 = new Counter({
    name: `${PREFIX}discord_rate_limited_total`,
    help: 'Discord REST rate limits met (requests held back or answered 429), by route and scope',
    labelNames: ['route', 'scope'] as const,
    registers: [this.registry],
  });
  private readonly ready = this.gauge('ready', 'Readiness checks: 1 passing, 0 failing', ['check']);
  private readonly gatewayPing = this.gauge(
    'discord_gateway_ping_seconds',
    'Discord gateway heartbeat round trip',
  );
  private readonly info = this.gauge('info', 'The bot version (always 1)', ['version']);
  private readonly startTime = this.gauge(
    'start_time_seconds',
    'When this bot started (Unix time)',
  );

  constructor() {
    // Process CPU, memory, event loop lag, GC: the usual names, in this registry only.
    collectDefaultMetrics({ register: this.registry });
  }

  private gauge(name: string, help: string, labelNames: string[] = []): Gauge {
    return new Gauge({ name: `${PREFIX}${name}`, help, labelNames, registers: [this.registry] });
  }

  /** For the CMS queue and its workers. */
  readonly queueHooks: QueueHooks = {
    cmsRequest: (operation: OperationName, ms: number, error?: CmsError) => {
      const outcome = error ? errorKindOf(error) : 'ok';
      this.cmsRequestSeconds.observe({ operation, outcome }, ms / 1000);
      if (error) this.cmsErrors.inc({ operation, kind: outcome });
      if (error?.kind === 'rate-limited') this.cms429.inc({ operation });
      this.recentCms.record(error);
    },
    callFinished: (operation: OperationName, priority: Priority, outcome: JobOutcome) => {
      const result = outcome.ok ? 'ok' : errorKindOf(outcome.error);
      this.cmsCalls.inc({ operation, priority, outcome: result });
      if (outcome.meta.queuedMs !== undefined)
        this.queueWaitSeconds.observe({ operation, priority }, outcome.meta.queuedMs / 1000);
    },
  };

  pushEvent(type: string, outcome: PushOutcome, reason = 'none'): void {
    this.pushEvents.inc({ type, outcome, reason });
  }

  reconcilePass(result: PassResult): void {
    this.reconcilePasses.inc({ status: result.status });
  }

  interaction(command: string, phase: InteractionPhase, ms: number): void {
    this.interactionSeconds.observe({ command, phase }, ms / 1000);
  }

  interactionOutcome(command: string, outcome: InteractionOutcome): void {
    this.interactions.inc({ command, outcome });
  }

  /** Counts the client's REST rate limits; routes lose their ids and tokens. */
  watchDiscord(client: Client): void {
    client.rest.on('rateLimited', (info) =>
      this.discord429.inc({ route: routeTemplate(info.route), scope: info.scope }),
    );
  }

  /** Sets the gauges from a fresh snapshot; a part that could not be read is left out, not stale. */
  observe(status: BotStatus): void {
    const { readiness, queue, audit, lastPass } = status;
    for (const [check, result] of Object.entries(readiness.checks))
      this.ready.set({ check }, result.ok ? 1 : 0);
    this.info.reset();
    this.info.set({ version: status.version }, 1);
    this.startTime.set(status.startedAt / 1000);
    if (status.gatewayPingMs === null) this.gatewayPing.reset();
    else this.gatewayPing.set(status.gatewayPingMs / 1000);

    for (const gauge of [this.queueDepth, this.queueActive, this.queueSleep, this.budgetUsed])
      gauge.reset();
    if (queue) {
      this.paused.set(queue.pausedMs / 1000);
      for (const row of queue.operations) {
        const { operation } = row;
        this.queueDepth.set({ operation, priority: row.priority }, row.waiting);
        this.queueActive.set({ operation }, row.active);
        this.queueSleep.set({ operation }, row.sleepingMs / 1000);
        this.budgetUsed.set({ operation }, row.usedInWindow);
        this.budgetLimit.set({ operation }, row.limit);
      }
    } else this.paused.reset();

    this.auditBacklog.reset();
    if (audit) {
      this.auditBacklog.set({ stage: 'notices' }, audit.notices);
      this.auditBacklog.set({ stage: 'observations' }, audit.observations);
    }

    for (const gauge of [this.lastPassSeconds, this.lastPassAt, this.lastPassAccounts])
      gauge.reset();
    if (lastPass) {
      this.lastPassSeconds.set((lastPass.finishedAt - lastPass.startedAt) / 1000);
      this.lastPassAt.set(lastPass.finishedAt / 1000);
      if (lastPass.accounts !== undefined) this.lastPassAccounts.set(lastPass.accounts);
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** `/channels/1234…/messages` → `/channels/:id/messages`; a webhook token → `:token`. */
export function routeTemplate(route: string): string {
  return route
    .split('/')
    .map((part) => (/^\d{5,}$/.test(part) ? ':id' : part.length >= 32 ? ':token' : part))
    .join('/');
}
