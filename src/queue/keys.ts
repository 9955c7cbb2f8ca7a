import { fingerprint } from '../cms/fingerprint.js';
import type { OperationName } from '../cms/catalog/index.js';

export const PRIORITIES = ['interactive', 'background'] as const;
/**
 * `interactive`: members' and staff's commands, someone is waiting for the answer.
 * `background`: bulk and housekeeping work; it never takes the budget share kept for interactive calls.
 */
export type Priority = (typeof PRIORITIES)[number];

/** BullMQ priorities (lower goes first) of the one queue each operation has. */
export const BULL_PRIORITY: Record<Priority, number> = { interactive: 1, background: 2 };

/**
 * Every Redis key of one CMS credential lives under `{sonoran:<fingerprint>}`, so deployments
 * for different communities can share a Redis without seeing each other's budgets or jobs.
 *
 * Two names run through it: an operation's BullMQ queue (`queueName`), and the budget it spends
 * (a v1 operation and its v2 twin spend one budget, named after the v2 operation).
 */
export class QueueKeys {
  readonly namespace: string;

  constructor(communityId: string, apiKey: string) {
    // The braces are a Redis Cluster hash tag: every key of one credential lands in one slot,
    // so each Lua script and BullMQ queue touches one node.
    this.namespace = `{sonoran:${fingerprint(`${communityId}\n${apiKey}`)}}`;
  }

  /** BullMQ's prefix: its keys read `<namespace>:<queue name>:<suffix>`. */
  get bullPrefix(): string {
    return this.namespace;
  }

  /** One BullMQ queue per operation, interactive jobs ahead of background ones by priority. */
  queueName(operation: OperationName): string {
    return `cms.${operation}`;
  }

  /** The sliding log of a budget's sends (a sorted set scored by Redis time in ms). */
  sendLog(budget: string): string {
    return `${this.namespace}:sends:${budget}`;
  }

  /** The background sends of the same log: background work may hold only its share of the window. */
  backgroundLog(budget: string): string {
    return `${this.namespace}:sends:${budget}:background`;
  }

  /** The earliest time the budget's next background send may leave (sends are spaced evenly). */
  backgroundSchedule(budget: string): string {
    return `${this.namespace}:sends:${budget}:background-next`;
  }

  /** The last job of a queue the gate let through (tells a job being sent from one bouncing). */
  lastGranted(queueName: string): string {
    return `${this.namespace}:granted:${queueName}`;
  }

  /** Set while a queue sleeps only for background reasons, so an interactive submit may wake it. */
  wakeable(queueName: string): string {
    return `${this.namespace}:wakeable:${queueName}`;
  }

  /** Names this Redis's life: gone with the rest when Redis loses its state (see ACQUIRE_SLOT). */
  get epoch(): string {
    return `${this.namespace}:epoch`;
  }

  /** Set (with a TTL) while the CMS asked this credential to stay away (a 429). */
  get pause(): string {
    return `${this.namespace}:paused`;
  }

  /** Present while a non-idempotent request may be in flight; outlives a worker that dies. */
  sentMarker(queueName: string, jobId: string): string {
    return `${this.namespace}:sent:${queueName}:${jobId}`;
  }

  /** The pacing settings each live worker process enforces (see PacingAgreement). */
  get pacingSettings(): string {
    return `${this.namespace}:pacing-settings`;
  }

  /** Which worker processes serve an operation, and until when (see ANNOUNCE_SERVED). */
  served(operation: OperationName): string {
    return `${this.namespace}:served:${operation}`;
  }

  /** Where workers publish the outcome of a submitter's jobs. */
  results(submitterId: string): string {
    return `${this.namespace}:results:${submitterId}`;
  }

  /** BullMQ's hash of one job (data, return value, failure reason). */
  job(queueName: string, jobId: string): string {
    return `${this.namespace}:${queueName}:${jobId}`;
  }

  /** BullMQ's plain wait list: jobs without a priority, such as a stalled job put back. */
  waitList(queueName: string): string {
    return `${this.namespace}:${queueName}:wait`;
  }

  /** BullMQ's prioritized jobs of a queue (every job we add has a priority). */
  prioritized(queueName: string): string {
    return `${this.namespace}:${queueName}:prioritized`;
  }

  /** BullMQ's rate-limit key of a queue: set while the queue sleeps until its next send may go. */
  limiter(queueName: string): string {
    return `${this.namespace}:${queueName}:limiter`;
  }

  /** BullMQ's active list of a queue (at most one job: one active job per queue). */
  activeList(queueName: string): string {
    return `${this.namespace}:${queueName}:active`;
  }
}
