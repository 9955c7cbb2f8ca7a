import { z } from 'zod';
import type { OperationInput, OperationName, OperationOutput } from '../cms/catalog/index.js';

/**
 * When a non-idempotent send may have reached the CMS (its worker died, or it timed out),
 * a verifier reads the CMS to tell whether it took effect, instead of sending it again blindly.
 * Operations without a verifier are reported to the caller as `uncertain`, never re-sent.
 */

export type Verdict = { applied: true; data: unknown } | { applied: false };

export interface VerifyContext {
  /** Calls the CMS within the operation's budget. */
  call<N extends OperationName>(name: N, input: OperationInput<N>): Promise<OperationOutput<N>>;
  /** When the uncertain send was let through (the sending worker's clock, ms). */
  sentAt: number;
}

type Verifier = (input: unknown, context: VerifyContext) => Promise<Verdict>;

/**
 * CMS and bot clocks differ a little: a record made up to this long before the send still counts
 * as its result. Short, so an identical record made earlier is not mistaken for this one.
 */
const CLOCK_TOLERANCE_MS = 60 * 1000;

const addMemberRecordInput = z.object({
  params: z.object({ accountId: z.string() }),
  body: z.object({ points: z.number(), reason: z.string() }),
});
const startSessionInput = z.object({ body: z.object({ serverId: z.number(), accId: z.string() }) });

const startedAfter = (timestamp: string | undefined, sentAt: number) =>
  timestamp !== undefined && Date.parse(timestamp) >= sentAt - CLOCK_TOLERANCE_MS;

export const verifiers: Partial<Record<OperationName, Verifier>> = {
  /** Applied if the member has a record with the same points and reason created since the send. */
  addMemberRecord: async (input, { call, sentAt }) => {
    const { params, body } = addMemberRecordInput.parse(input);
    const records = await call('getMemberRecords', { params: { accountId: params.accountId } });
    const match = records.find(
      (r) =>
        r.points === body.points && r.reason === body.reason && startedAfter(r.createdAt, sentAt),
    );
    return match ? { applied: true, data: [match] } : { applied: false };
  },
  /** Applied if the server runs a session started by the same account since the send. */
  startSession: async (input, { call, sentAt }) => {
    const { body } = startSessionInput.parse(input);
    try {
      const session = await call('getCurrentSession', { query: { serverId: body.serverId } });
      const ours = session.startedBy === body.accId && startedAfter(session.startedAt, sentAt);
      return ours ? { applied: true, data: session } : { applied: false };
    } catch (error) {
      // No running session: the start never took effect.
      if ((error as { status?: number }).status === 404) return { applied: false };
      throw error;
    }
  },
};
