import { budgetName, limitPerMinute, type OperationName } from '../cms/catalog/index.js';

export interface PacingSettings {
  /** The CMS window: 60 000 ms in production; the emulator may compress it. */
  windowMs: number;
  /** Added to the window: covers the time between the decision and the request's arrival. */
  marginMs: number;
  /** Share of each limit kept for interactive calls (background work never uses it). */
  interactiveReserve: number;
  /** Per-minute limits for v1 operations, overriding the catalog's guess. */
  v1Limits?: Readonly<Record<string, number>>;
  /** The CMS client's timeout: the longest a send can be on its way. */
  requestTimeoutMs: number;
}

export interface Budget {
  /**
   * Whose sliding log the operation spends: the operation's own name, or for a v1 operation
   * its v2 twin's (the CMS may meter the two together; guessing wrong costs an hour).
   */
  name: OperationName;
  /** Sends allowed in any window, from the catalog. */
  limit: number;
  /** Of those, how many only interactive calls may use. */
  reserve: number;
  /** The window the pacing enforces: the CMS window plus the safety margin. */
  windowMs: number;
  /** Background sends are scheduled this far apart, spreading the background share evenly. */
  backgroundSpacingMs: number;
}

/** The budget of one operation, straight from the catalog's limit. */
export function budgetFor(operation: OperationName, settings: PacingSettings): Budget {
  const limit = limitPerMinute(operation, settings.v1Limits);
  // At least one slot whenever a reserve is asked for, so even 9/min operations keep one.
  const reserve =
    settings.interactiveReserve > 0
      ? Math.min(limit - 1, Math.max(1, Math.round(limit * settings.interactiveReserve)))
      : 0;
  const windowMs = settings.windowMs + settings.marginMs;
  return {
    name: budgetName(operation),
    limit,
    reserve,
    windowMs,
    backgroundSpacingMs: windowMs / (limit - reserve),
  };
}
