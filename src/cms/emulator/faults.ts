import { z } from 'zod';

/**
 * Injected trouble, set by flags or the admin API. Each request draws once:
 * - `errorRate`: share answered `errorStatus` (503 by default) before anything happens (nothing
 *   is written, whatever the status says);
 * - `hangRate`: share that take effect but never get an answer (the worst case for writes);
 * - `malformedRate`: share whose answer breaks the documented shape (answers without a body,
 *   such as Cancel Session's 204, are left alone);
 * - `latencyMs`: added before every answer;
 * - `errorCount` / `hangCount`: the next N requests fail or hang, whatever the rates (tests
 *   use these to script an outage exactly).
 * `operations` limits the faults to those operation names.
 */
export const faultSettingsSchema = z.strictObject({
  latencyMs: z.number().int().nonnegative().default(0),
  errorRate: z.number().min(0).max(1).default(0),
  errorStatus: z.number().int().min(500).max(599).default(503),
  hangRate: z.number().min(0).max(1).default(0),
  malformedRate: z.number().min(0).max(1).default(0),
  errorCount: z.number().int().nonnegative().default(0),
  hangCount: z.number().int().nonnegative().default(0),
  operations: z.array(z.string()).nullable().default(null),
});

export type FaultSettings = z.output<typeof faultSettingsSchema>;
export type FaultAction = 'error' | 'hang' | 'malformed' | null;

export class Faults {
  private settings: FaultSettings = faultSettingsSchema.parse({});

  constructor(
    initial: Partial<FaultSettings> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.set(initial);
  }

  set(settings: Partial<FaultSettings>): FaultSettings {
    this.settings = faultSettingsSchema.parse({ ...this.settings, ...settings });
    return this.current();
  }

  clear(): FaultSettings {
    this.settings = faultSettingsSchema.parse({});
    return this.current();
  }

  current(): FaultSettings {
    return {
      ...this.settings,
      operations: this.settings.operations && [...this.settings.operations],
    };
  }

  /** The latency and the fault (if any) for one request to `operation`. */
  draw(operation: string): { latencyMs: number; action: FaultAction } {
    const { operations, latencyMs, errorRate, hangRate, malformedRate } = this.settings;
    if (operations && !operations.includes(operation)) return { latencyMs: 0, action: null };
    if (this.settings.errorCount > 0) {
      this.settings.errorCount -= 1;
      return { latencyMs, action: 'error' };
    }
    if (this.settings.hangCount > 0) {
      this.settings.hangCount -= 1;
      return { latencyMs, action: 'hang' };
    }
    const roll = this.random();
    const action: FaultAction =
      roll < errorRate
        ? 'error'
        : roll < errorRate + hangRate
          ? 'hang'
          : roll < errorRate + hangRate + malformedRate
            ? 'malformed'
            : null;
    return { latencyMs, action };
  }
}
