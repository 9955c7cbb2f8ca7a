import { getOperation, limitPerMinute, type OperationName } from '../src/cms/catalog/index.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startCmsQueue, startCmsWorkers, type Priority, type Ticket } from '../src/queue/index.js';
import {
  SATURATED,
  type DispatchRecord,
  type FromWorkerProcess,
  type ToWorkerProcess,
} from './pacing-plan.js';

/**
 * One of the benchmark's processes: runs a full set of CMS workers and submits its share of the
 * saturating load. Configured through the environment, driven by the parent over IPC.
 */

const config = loadConfig();
const logger = createLogger({ level: 'warn', name: 'bench-worker', secrets: config.secrets });
/** Resolves once the message is handed over: exiting earlier could drop a large one. */
const send = (message: FromWorkerProcess) =>
  new Promise<void>((resolve) => process.send!(message, undefined, {}, () => resolve()));

// The benchmark calls operations the bot does not: serve the whole catalog.
const workers = await startCmsWorkers(config, logger, { operations: 'all' });
const { queue, close: closeQueue } = await startCmsQueue(config, logger);
const records: DispatchRecord[] = [];
const timers: NodeJS.Timeout[] = [];

function track(operation: OperationName, priority: Priority, ticket: Ticket<unknown>): void {
  ticket.result.then(
    (result) =>
      records.push({
        queue: ticket.queue,
        jobId: Number(ticket.jobId),
        operation,
        priority,
        dispatchedAt: result.meta.dispatchedAt,
        ok: true,
      }),
    (error: Error) =>
      records.push({
        queue: ticket.queue,
        jobId: Number(ticket.jobId),
        operation,
        priority,
        dispatchedAt: null,
        ok: false,
        error: error.message,
      }),
  );
}

async function submit(operation: OperationName, priority: Priority, count: number): Promise<void> {
  const input = getOperation(operation).example as never;
  const tickets = await Promise.all(
    Array.from({ length: count }, () => queue.submit(operation, input, { priority })),
  );
  for (const ticket of tickets) track(operation, priority, ticket);
}

process.on('message', (message: ToWorkerProcess) => {
  if (message.type === 'go') {
    const { seconds, windowMs, processes } = message;
    const started = Date.now();
    const backlog = SATURATED.map((operation) => {
      const limit = limitPerMinute(operation, config.cms.v1Limits);
      // More background work than the whole run can send (its warm-up included), so the
      // operation stays saturated to the end.
      const capacity = Math.ceil(limit * ((seconds * 1000 + 5_000) / windowMs + 1));
      // A steady trickle of interactive calls on top: four a window, more than any reserve.
      timers.push(
        setInterval(
          () => void submit(operation, 'interactive', 1),
          Math.round((windowMs * processes) / 4),
        ),
      );
      const jobs = Math.ceil((capacity * 1.3) / processes);
      return submit(operation, 'background', jobs).then(() => jobs);
    });
    void Promise.all(backlog).then((counts) =>
      send({ type: 'loaded', jobs: counts.reduce((a, b) => a + b, 0), ms: Date.now() - started }),
    );
  }
  if (message.type === 'stop') {
    for (const timer of timers) clearInterval(timer);
    void (async () => {
      await send({ type: 'records', records });
      await workers.close();
      await closeQueue();
      process.exit(0);
    })();
  }
});

void send({ type: 'ready' });
