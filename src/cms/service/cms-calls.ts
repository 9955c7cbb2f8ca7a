import type { OperationInput, OperationOutput } from '../catalog/index.js';
import type { CmsQueue, Priority } from '../../queue/index.js';
import type { BotOperation } from './operations.js';

/** How long a call must expect to wait before its caller is told it is queued. */
export const QUEUED_NOTICE_MS = 2_000;

export interface QueueWait {
  /** Calls ahead of this one in its queue. */
  position: number;
  /** Estimated time until it is sent. */
  etaMs: number;
}

export interface CallOptions {
  priority?: Priority;
  /** When the answer is needed by (ms since the epoch); see CmsQueue's SubmitOptions. */
  deadline?: number | null;
  /** Told once, at submit, when the call waits noticeably long (for "Queued behind N CMS calls"). */
  onQueued?: (wait: QueueWait) => void;
}

/**
 * The service's only door to the CMS: the queue, for the bot's own operations only (the
 * compiler refuses any other, so the workers a bot process runs always serve what it calls).
 */
export class CmsCalls {
  constructor(private readonly queue: CmsQueue) {}

  async call<N extends BotOperation>(
    operation: N,
    input: OperationInput<N>,
    options: CallOptions = {},
  ): Promise<OperationOutput<N>> {
    const ticket = await this.queue.submit(operation, input, {
      priority: options.priority,
      deadline: options.deadline,
      // Reading an ETA costs a round trip: only when someone will see it.
      estimate: options.onQueued !== undefined,
    });
    if (options.onQueued && ticket.etaMs >= QUEUED_NOTICE_MS) {
      options.onQueued({ position: ticket.position, etaMs: ticket.etaMs });
    }
    return (await ticket.result).data;
  }
}
