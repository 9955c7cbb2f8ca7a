import type { Budget } from './budgets.js';
import type { Priority } from './keys.js';
import type { PacingSnapshot } from './pacing-gate.js';

/**
 * When a job's send may go out, replaying the pacing gate's rules on the current send log:
 * each send waits until the send `limit` places before it has left the window, and a
 * background send also until background holds less than its share and its turn in the
 * background schedule has come. Interactive work waiting for the same operation goes before a background job.
 */
export function estimateWaitMs(
  snapshot: PacingSnapshot,
  budget: Budget,
  priority: Priority,
): number {
  const all = [...snapshot.sendTimes];
  const background = [...snapshot.backgroundSendTimes];
  const backgroundLimit = budget.limit - budget.reserve;
  let at = snapshot.nowMs + snapshot.pausedMs;
  const nextSlot = (log: number[], cap: number) => {
    const mustLeave = log[log.length - cap];
    return mustLeave === undefined ? at : Math.max(at, mustLeave + budget.windowMs);
  };
  for (let i = 0; i < snapshot.interactiveWaiting; i += 1) {
    at = nextSlot(all, budget.limit);
    all.push(at);
  }
  const spacing = budget.backgroundSpacingMs;
  let scheduled = snapshot.nextBackgroundSend ?? at;
  for (let i = 0; i <= snapshot.jobsAhead; i += 1) {
    at = nextSlot(all, budget.limit);
    if (priority === 'background') {
      at = Math.max(nextSlot(background, backgroundLimit), scheduled);
      background.push(at);
      scheduled = Math.max(scheduled, at - 2 * spacing) + spacing;
    }
    all.push(at);
  }
  return Math.max(0, Math.round(at - snapshot.nowMs));
}
