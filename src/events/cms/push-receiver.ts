import type { BlockList } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Intake } from '../../audit/observations.js';
import type { Logger } from '../../logger.js';
import { isAllowedSender } from './allowed-senders.js';
import { dedupKeyOf, observationOf, pushEvent, PUSH_EVENT_TYPES } from './push-events.js';
import { pushKeyChecker } from './push-key.js';
import { readJsonBodiesOnly, UnreadableBody } from './push-body.js';
import { within } from '../../within.js';
import { oncePer, PushRefusal, refusalMessage, storeTooSlow } from './push-refusals.js';

/** The path Sonoran posts to. */
export const PUSH_PATH = '/sonorancms/events';
/** The documented events are small; this leaves room for long rank lists and nothing more. */
const BODY_LIMIT_BYTES = 64 * 1024;
/** Past this, storing is stuck (Redis down): the sender is told to retry instead of waiting. */
const STORE_TIMEOUT_MS = 5_000;
const MINUTE_MS = 60_000;

export interface PushReceiverOptions {
  /** The community API key every event must carry. */
  apiKey: string;
  intake: Intake;
  logger: Logger;
  /** Senders allowed (PUSH_ALLOWED_IPS); null lets anyone send (the key still decides). */
  allowedSenders: BlockList | null;
  /** Requests one address may make a minute before it is refused (429). */
  perAddressPerMinute: number;
  /** How long storing may take before the answer is 503 (the event may still be stored). */
  storeTimeoutMs?: number;
}

const JSON_TYPE = 'application/json; charset=utf-8';
/** The two answers to a stored event, written once. */
const ANSWERS = {
  stored: JSON.stringify({ ok: true, stored: true }),
  duplicate: JSON.stringify({ ok: true, duplicate: true }),
};

/**
 * `POST /sonorancms/events`: Sonoran's push events. An event is checked (sender, flood limit,
 * JSON only, size, the key in constant time, the documented shape per type) and stored in the
 * audit pipeline's intake before the 200; anything else gets a clear 4xx (or a 503 when it could
 * not be stored) and nothing is stored. Neither the key nor the body is ever logged.
 */
export async function createPushReceiver(options: PushReceiverOptions): Promise<FastifyInstance> {
  const { logger } = options;
  const keyMatches = pushKeyChecker(options.apiKey);
  const storeTimeoutMs = options.storeTimeoutMs ?? STORE_TIMEOUT_MS;
  const shouldWarn = oncePer(MINUTE_MS);
  const app = Fastify({ bodyLimit: BODY_LIMIT_BYTES, logger: false });
  readJsonBodiesOnly(app);

  /**
   * Answers a refusal and logs it: a warning the first time a minute for an address and status,
   * then at debug, so a misconfigured or hostile sender cannot flood the log.
   */
  function refuse(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    error: string,
    fields: Record<string, unknown> = {},
  ): FastifyReply {
    const line = { ip: request.ip, status, error, ...fields };
    if (shouldWarn(`${status} ${request.ip}`)) logger.warn(line, 'push event refused');
    else logger.debug(line, 'push event refused');
    return reply.code(status).send({ error });
  }

  const { allowedSenders } = options;
  if (allowedSenders)
    app.addHook('onRequest', async (request, reply) => {
      if (!isAllowedSender(allowedSenders, request.ip))
        return refuse(request, reply, 403, 'this address may not send push events', {
          reason: 'sender not in PUSH_ALLOWED_IPS',
        });
    });
  await app.register(rateLimit, {
    max: options.perAddressPerMinute,
    timeWindow: MINUTE_MS,
    // Retry-After on a 429 is what a sender needs; the counters on every answer are not.
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    errorResponseBuilder: (_request, context) =>
      new PushRefusal(
        429,
        `too many requests from this address; try again in ${Math.ceil(context.ttl / 1000)} s`,
        'PUSH_RATE_LIMITED',
      ),
  });
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    const message = refusalMessage(error, BODY_LIMIT_BYTES);
    if (status < 500) return refuse(request, reply, status, message, { code: error.code });
    // Storing failed or took too long (Redis down): Sonoran is told to send it again.
    if (!(error instanceof PushRefusal)) logger.error({ err: error }, 'the push receiver failed');
    else if (shouldWarn('503'))
      logger.error({ err: error }, 'push events cannot be stored in time (logged once a minute)');
    return reply.code(503).header('retry-after', '5').send({ error: message });
  });

  app.post(PUSH_PATH, async (request, reply) => {
    const body = request.body as { key?: unknown; type?: unknown } | null;
    if (body instanceof UnreadableBody)
      return refuse(
        request,
        reply,
        400,
        body.empty
          ? 'the body is empty: send a JSON object {key, type, data}'
          : 'the body is not valid JSON',
      );
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return refuse(request, reply, 400, 'the body must be a JSON object {key, type, data}');
    if (!keyMatches(body.key))
      return refuse(request, reply, 401, "the key is not this community's API key", {
        reason: 'wrong key',
        type: typeof body.type === 'string' ? body.type.slice(0, 40) : null,
      });
    if (!PUSH_EVENT_TYPES.includes(body.type as never))
      return refuse(
        request,
        reply,
        400,
        `unknown event type; expected one of ${PUSH_EVENT_TYPES.join(', ')}`,
      );
    const parsed = pushEvent.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.map(String).join('.') || 'body';
      return refuse(request, reply, 400, `${field}: ${issue.message}`);
    }
    // Stored before the answer: a 200 means the event cannot be lost any more.
    const outcome = await within(
      options.intake.accept(observationOf(parsed.data, Date.now()), dedupKeyOf(parsed.data)),
      storeTimeoutMs,
      storeTooSlow,
    );
    return reply.code(200).type(JSON_TYPE).send(ANSWERS[outcome]);
  });
  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: PUSH_PATH,
    handler: async (request, reply) =>
      refuse(request, reply.header('allow', 'POST'), 405, 'push events are POSTed'),
  });
  return app;
}
