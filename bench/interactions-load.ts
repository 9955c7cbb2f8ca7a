import { getOperation, limitPerMinute, type OperationName } from '../src/cms/catalog/index.js';
import type { BotOperation } from '../src/cms/service/index.js';
import type { CmsQueue, Ticket } from '../src/queue/index.js';

/**
 * Background work on every CMS operation the bot reads or writes for /clockin and its caches,
 * submitted by another process's queue (this one) on the same Redis: more than the budgets
 * allow, kept topped up, so each budget is in use for the whole run. Inputs are the catalog's
 * docs examples (the example account, which no member of the guild uses).
 */
export const BACKGROUND: BotOperation[] = [
  'searchAccounts',
  'getAccount',
  'getClockInTypes',
  'clockAccount',
  'getCurrentClockIn',
  'getServers',
  'verifyWhitelist',
  'getFullWhitelist',
  'getAccounts',
  'getDepartments',
];

export class BackgroundLoad {
  private readonly outstanding = new Map<OperationName, Set<Ticket<unknown>>>();
  private timer: NodeJS.Timeout | undefined;
  private topping: Promise<void> = Promise.resolve();
  private busy = false;
  submitted = 0;
  sent = 0;
  failed = 0;

  constructor(private readonly queue: CmsQueue) {}

  /** Keeps two windows' worth of each budget waiting, checking every `everyMs`. */
  start(everyMs = 200): Promise<void> {
    this.timer = setInterval(() => {
      // One top-up at a time: a slow one must not be doubled by the next tick.
      if (!this.busy) this.topping = this.topUp();
    }, everyMs);
    return (this.topping = this.topUp());
  }

  private async topUp(): Promise<void> {
    this.busy = true;
    try {
      await this.submitMissing();
    } finally {
      this.busy = false;
    }
  }

  private async submitMissing(): Promise<void> {
    await Promise.all(
      BACKGROUND.map(async (operation) => {
        const waiting = this.outstanding.get(operation) ?? new Set();
        this.outstanding.set(operation, waiting);
        const missing = 2 * limitPerMinute(operation) - waiting.size;
        for (let i = 0; i < missing; i += 1) {
          const ticket = (await this.queue.submit(
            operation,
            getOperation(operation).example as never,
            { priority: 'background', estimate: false },
          )) as Ticket<unknown>;
          this.submitted += 1;
          waiting.add(ticket);
          ticket.result.then(
            () => (this.sent += 1),
            () => (this.failed += 1),
          );
          void ticket.result.catch(() => {}).finally(() => waiting.delete(ticket));
        }
      }),
    );
  }

  /** Stops topping up and takes back every job not sent yet. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.topping;
    const tickets = [...this.outstanding.values()].flatMap((set) => [...set]);
    await Promise.all(tickets.map((ticket) => ticket.cancel().catch(() => false)));
  }
}
