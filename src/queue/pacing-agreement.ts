import type { Redis } from 'ioredis';
import { limitPerMinute, operationNames } from '../cms/catalog/index.js';
import type { PacingSettings } from './budgets.js';
import type { QueueKeys } from './keys.js';
import { defineLuaScript, runLuaScript } from './scripts/lua-script.js';
import { AGREE_ON_PACING } from './scripts/pacing-agreement.js';

/** The settings that decide what the shared send logs allow, in words a person can compare. */
export function pacingTerms(settings: PacingSettings): string {
  // Every budget's limit (the catalog and CMS_V1_LIMITS together), as one list.
  const limits = operationNames.map((name) => limitPerMinute(name, settings.v1Limits)).join(',');
  return JSON.stringify({
    windowMs: settings.windowMs,
    marginMs: settings.marginMs,
    interactiveReserve: settings.interactiveReserve,
    limits,
  });
}

/** Why two processes' pacing settings differ, naming what to align. */
export class PacingDisagreement extends Error {
  constructor(mine: string, theirs: string) {
    const a = JSON.parse(mine) as Record<string, unknown>;
    const b = JSON.parse(theirs) as Record<string, unknown>;
    const names: Record<string, string> = {
      windowMs: 'CMS_RATE_WINDOW_MS',
      marginMs: 'CMS_PACING_MARGIN_MS',
      interactiveReserve: 'CMS_INTERACTIVE_RESERVE',
      limits: 'the per-minute limits (CMS_V1_LIMITS, or another version of the bot)',
    };
    const differing = Object.keys(names)
      .filter((key) => a[key] !== b[key])
      .map((key) =>
        key === 'limits' ? names[key] : `${names[key]} (here ${a[key]}, there ${b[key]})`,
      );
    super(
      `another process sharing this Redis paces the CMS calls with other settings: ${differing.join('; ')}. ` +
        'Two sets of numbers on one shared budget could exceed a limit. Give every process the same settings, or stop the others first.',
    );
    this.name = 'PacingDisagreement';
  }
}

/** Announces this process's pacing settings while it runs, refusing to run beside different ones. */
export class PacingAgreement {
  private readonly terms: string;

  constructor(
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    settings: PacingSettings,
    private readonly workerId: string,
  ) {
    defineLuaScript(redis, AGREE_ON_PACING);
    this.terms = pacingTerms(settings);
  }

  /** Throws PacingDisagreement when a live process paces by other numbers. */
  async announce(ttlMs: number): Promise<void> {
    const theirs = await runLuaScript<string, string, string>(
      this.redis,
      AGREE_ON_PACING,
      { settingsSet: this.keys.pacingSettings },
      { settings: this.terms, workerId: this.workerId, ttlMs },
    );
    if (theirs) throw new PacingDisagreement(this.terms, theirs);
  }

  async withdraw(): Promise<void> {
    await runLuaScript(
      this.redis,
      AGREE_ON_PACING,
      { settingsSet: this.keys.pacingSettings },
      { settings: this.terms, workerId: this.workerId, ttlMs: 0 },
    );
  }
}
