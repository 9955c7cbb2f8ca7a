import { fingerprint } from '../cms/fingerprint.js';
import type { OperationName } from '../cms/catalog/index.js';

export const PRIORITIES = ['interactive', 'background'] as const;
/**
 * `interactive`: members' and staff's commands, someone is waiting for the answer.
 * `background`: bulk and housekeeping work; it never takes the budget share kept for interactive calls.
 */
export type Priority = (typeof PRIORITIES)[number];

/**
 * Every Redis key of one CMS credential lives under `sonoran:<fingerprint>`, so deployments
 * for different communities can share a Redis without seeing each other's budgets or jobs.
 */
export class QueueKeys {
  readonly namespace: string;

  constructor(communityId: string, apiKey: string) {
    this.namespace = `sonoran:${fingerprint(`${communityId}\n${apiKey}`)}`;
  }

  /** BullMQ's prefix: its keys read `<namespace>:<queue name>:<suffix>`. */
  get bullPrefix(): string {
    return this.namespace;
  }

  /** One BullMQ queue per (operation, priority): FIFO inside, no head-of-line blocking across. */
  queueName(operation: OperationName, priority: Priority): string {
    return `cms.${operation}.${priority}`;
  }

  /** The sliding log of sends for one operation (a sorted set scored by Redis time in ms). */
  budget(operation: OperationName): string {
    return `${this.namespace}:budget:${operation}`;
  }

  /** The background sends of the same log: background work may hold only its share of the window. */
  backgroundBudget(operation: OperationName): string {
    return `${this.namespace}:budget:${operation}:background`;
  }

  /** The earliest time the operation's next background send may leave (sends are spaced evenly). */
  nextBackgroundSend(operation: OperationName): string {
    return `${this.namespace}:budget:${operation}:background-next`;
  }

  /** The last job of a queue the gate let through (tells a job being sent from one bouncing). */
  lastGranted(queueName: string): string {
    return `${this.namespace}:granted:${queueName}`;
  }

  /** Set (with a TTL) while the CMS asked this credential to stay away (a 429). */
  get pause(): string {
    return `${this.namespace}:paused`;
  }

  /** Present while a non-idempotent request may be in flight; outlives a worker that dies. */
  sentMarker(queueName: string, jobId: string): string {
    return `${this.namespace}:sent:${queueName}:${jobId}`;
  }

  /** Where workers publish the outcome of a submitter's jobs. */
  results(submitterId: string): string {
    return `${this.namespace}:results:${submitterId}`;
  }

  /** BullMQ's wait list of a queue (read by the pacing scripts: interactive work goes first, ETAs). */
  waitList(queueName: string): string {
    return `${this.namespace}:${queueName}:wait`;
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
