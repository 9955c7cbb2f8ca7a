import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { OperationInput, OperationName, OperationOutput } from '../cms/catalog/index.js';
import type { CmsClient } from '../cms/client.js';
import { CmsError } from '../cms/errors.js';
import type { JobOutcome } from './jobs.js';
import type { Priority } from './keys.js';
import type { PacingGate } from './pacing-gate.js';
import { afterFailure, type RetrySettings } from './retry-policy.js';
import type { SentMarker } from './sent-marker.js';
import { SlotTimer } from './slot-time.js';
import { verifiers, type Verdict } from './verifiers.js';

export type EarlierSendResolution =
  /** The job had finished: its stored outcome, handed back again. */
  | { kind: 'finished'; outcome: JobOutcome }
  /** A read of the CMS shows the earlier send took effect; `data` is what it made. */
  | { kind: 'applied'; data: unknown }
  /** A read of the CMS shows it did not take effect: send it (the marker may go). */
  | { kind: 'not-applied' }
  /** Come back in `delayMs`: the earlier send may still be on its way, or the check must wait for budget. */
  | { kind: 'later'; delayMs: number }
  /** It may have taken effect and nothing can tell: report it, never send it twice. */
  | { kind: 'uncertain'; error: CmsError };

export interface EarlierSendJob {
  id: string;
  operation: OperationName;
  input: unknown;
  priority: Priority;
}

/** A verifier does not sit out a long wait for budget inside a job; the job comes back later. */
const LONGEST_VERIFY_WAIT_MS = 2_000;

class VerifyLater extends Error {
  constructor(readonly waitMs: number) {
    super(`verification must wait ${waitMs} ms`);
  }
}

/**
 * A non-idempotent job whose earlier send left its marker: the send may have reached the CMS
 * (its worker died, or it timed out). Wait until it can no longer be on its way, then verify by
 * reading the CMS where a verifier exists; else report it as uncertain.
 */
export class EarlierSends {
  constructor(
    private readonly gate: PacingGate,
    private readonly client: CmsClient,
    private readonly settings: RetrySettings & { requestTimeoutMs: number },
    private readonly logger: Logger,
  ) {}

  /** `nowMs` is Redis time, the clock the marker was written with. */
  async resolve(
    job: EarlierSendJob,
    marker: SentMarker,
    nowMs: number,
  ): Promise<EarlierSendResolution> {
    if (marker.outcome) return { kind: 'finished', outcome: marker.outcome };
    // A request under way ends by its timeout; twice that leaves room for a slow answer path.
    const settledAt = marker.at + 2 * this.settings.requestTimeoutMs;
    if (nowMs < settledAt) return { kind: 'later', delayMs: settledAt - nowMs };

    const verify = verifiers[job.operation];
    this.logger.warn(
      { operation: job.operation, jobId: job.id, sentAt: marker.at, verifiable: Boolean(verify) },
      'a send of this job may have reached the CMS',
    );
    if (verify) {
      let verdict: Verdict | undefined;
      try {
        verdict = await verify(job.input, {
          call: (name, input) => this.callWithinBudget(name, input, job.priority),
          sentAt: marker.at,
        });
      } catch (error) {
        if (error instanceof VerifyLater) return { kind: 'later', delayMs: error.waitMs };
        this.logger.warn(
          { err: error, operation: job.operation },
          'could not verify the earlier send',
        );
      }
      if (verdict?.applied) return { kind: 'applied', data: verdict.data };
      if (verdict) return { kind: 'not-applied' };
    }
    const error = new CmsError({
      kind: 'uncertain',
      operation: job.operation,
      message: `an earlier send (at ${new Date(marker.at).toISOString()}) may have reached the CMS and its outcome is unknown; not sent again, check the CMS`,
    });
    return { kind: 'uncertain', error };
  }

  /** A CMS read for a verifier, within its operation's budget; a long wait defers the whole job. */
  private async callWithinBudget<N extends OperationName>(
    name: N,
    input: OperationInput<N>,
    priority: Priority,
  ): Promise<OperationOutput<N>> {
    const sendId = `verify:${randomUUID()}`;
    for (;;) {
      const slot = new SlotTimer(this.settings.requestTimeoutMs);
      const decision = await this.gate.acquire({ operation: name, priority, sendId });
      if (decision.status === 'granted') {
        try {
          return await this.client.call(name, input, { timeoutMs: slot.timeLeftMs() });
        } catch (error) {
          const pauseMs =
            error instanceof CmsError
              ? afterFailure(error, 1, this.settings).pauseCredentialMs
              : undefined;
          if (pauseMs === undefined) throw error;
          // A 429 while checking is a 429 all the same: every process stays away.
          await this.gate.pause(pauseMs);
          this.logger.error(
            { operation: name, pauseMs },
            'CMS answered 429 to a verification read: credential paused for all processes',
          );
          throw new VerifyLater(pauseMs);
        } finally {
          await this.gate.logAnswer(name, priority, sendId);
        }
      }
      const waitMs = decision.status === 'wait' ? decision.waitMs : 10;
      if (waitMs > LONGEST_VERIFY_WAIT_MS) throw new VerifyLater(waitMs);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
