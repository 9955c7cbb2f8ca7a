import type { FastifyInstance } from 'fastify';
import type { AccountObservation, Intake } from '../audit/observations.js';
import { PUSH_EVENT_TYPES } from '../events/cms/push-events.js';
import type { OpsMetrics } from './metrics.js';

/** The event type an observation of the push receiver came from. */
const TYPE_OF_KIND: Record<AccountObservation['kind'], string> = {
  banned: 'ACCOUNT_BANNED',
  kicked: 'ACCOUNT_KICKED',
  state: 'ACCOUNT_UPDATED',
};

/** Why the receiver refused a request, by the status it answered (see push-receiver.ts). */
const REASON_OF_STATUS: Record<number, string> = {
  400: 'invalid',
  401: 'wrong_key',
  403: 'sender_not_allowed',
  404: 'not_found',
  405: 'wrong_method',
  413: 'too_large',
  415: 'not_json',
  429: 'rate_limited',
  503: 'not_stored',
};

/** The intake as the push receiver sees it: each stored event counted as accepted or duplicate. */
export function countingIntake(intake: Intake, metrics: OpsMetrics): Intake {
  return {
    accept: async (observation, dedupKey) => {
      const outcome = await intake.accept(observation, dedupKey);
      metrics.pushEvent(
        TYPE_OF_KIND[observation.kind],
        outcome === 'stored' ? 'accepted' : 'duplicate',
      );
      return outcome;
    },
  };
}

/**
 * Counts the receiver's refusals by type (when the body named a known one) and reason, from
 * outside the receiver: a hook on each answer of 400 or more. Add it before the server listens.
 */
export function countPushRefusals(app: FastifyInstance, metrics: OpsMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode < 400) return;
    const body = request.body as { type?: unknown } | null | undefined;
    const type =
      body && typeof body === 'object' && PUSH_EVENT_TYPES.includes(body.type as never)
        ? (body.type as string)
        : 'unknown';
    const reason = REASON_OF_STATUS[reply.statusCode] ?? `status_${reply.statusCode}`;
    metrics.pushEvent(type, 'refused', reason);
  });
}
