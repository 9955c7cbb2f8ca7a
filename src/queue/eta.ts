import { fillLimit, type Budget } from './budgets.js';
import type { Priority } from './keys.js';
import type { PacingSnapshot } from './pacing-gate.js';

/**
 * When a job's send may go out, replaying the sliding log: each send waits until the send
 * `limit` places before it has left the window. Interactive work waiting for the same
 * operation counts as sends ahead of a background job.
 */
export function estimateWaitMs(snapshot: PacingSnapshot, budget: Budget, priority: Priority): number {
  const limit = fillLimit(budget, priority);
  const times = [...snapshot.sendTimes];
  let at = snapshot.nowMs + snapshot.pausedMs;
  const sendsBeforeOurs = snapshot.jobsAhead + snapshot.interactiveWaiting;
  for (let i = 0; i <= sendsBeforeOurs; i += 1) {
    const mustLeave = times[times.length - limit];
    if (mustLeave !== undefined) at = Math.max(at, mustLeave + budget.windowMs);
    times.push(at);
  }
  return Math.max(0, Math.round(at - snapshot.nowMs));
}
