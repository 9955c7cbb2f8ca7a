import { createHash, timingSafeEqual } from 'node:crypto';
import type { BlockList } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Intake } from '../../audit/observations.js';
import type { Logger } from '../../logger.js';
import { isAllowedSender } from './allowed-senders.js';
import { observationOf, pushEvent, PUSH_EVENT_TYPES, type PushEvent } from './push-events.js';

/** The path Sonoran posts to. */
export const PUSH_PATH = '/sonorancms/events';
/** The documented events are small; this leaves room for long rank lists and nothing more. */
const BODY_LIMIT_BYTES = 64 * 1024;

export interface PushReceiverOptions {
  /** The community API key every event must carry. */
  apiKey: string;
  intake: Intake;
  logger: Logger;
  /** Senders allowed (PUSH_ALLOWED_IPS); null lets anyone send (the key still decides). */
  allowedSenders: BlockList | null;
  /** Requests one address may make a minute before it is refused (429). */
  perAddressPerMinute: number;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The same event delivered again gets the same key (the type and the data, canonically). */
export function dedupKeyOf(event: PushEvent): string {
  const data = Object.fromEntries(
    Object.entries(event.data).sort(([a], [b]) => a.localeCompare(b)),
  );
  return `push:${digest(`${event.type}\n${JSON.stringify(data)}`).toString('hex')}`;
}

/**
 * `POST /sonorancms/events`: Sonoran's push events. An event is checked (sender, flood limit,
 * JSON, size, the key in constant time, the documented shape per type) and stored in the audit
 * pipeline's intake before the 200; anything else gets a clear 4xx and nothing is stored.
 */
export async function createPushReceiver(options: PushReceiverOptions): Promise<FastifyInstance> {
  const { logger } = options;
  const expectedKey = digest(options.apiKey);
  const app = Fastify({ bodyLimit: BODY_LIMIT_BYTES, disableRequestLogging: true, logger: false });

  app.addHook('onRequest', async (request, reply) => {
    if (options.allowedSenders && !isAllowedSender(options.allowedSenders, request.ip)) {
      logger.warn({ ip: request.ip }, 'push event refused: sender not in PUSH_ALLOWED_IPS');
      return reply.code(403).send({ error: 'this address may not send push events' });
    }
  });
  await app.register(rateLimit, {
    max: options.perAddressPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: `too many requests from this address; try again in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) logger.error({ err: error }, 'the push receiver failed');
    else logger.warn({ ip: request.ip, status, code: error.code }, 'push event refused');
    const message =
      error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? 'push events are JSON: send Content-Type: application/json'
        : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? `the body is larger than ${BODY_LIMIT_BYTES} bytes`
          : error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
            ? 'the body is not valid JSON'
            : status >= 500
              ? 'the event could not be stored; send it again'
              : error.message;
    return reply.code(status).send({ error: message });
  });

  app.post(PUSH_PATH, async (request, reply) => {
    const body = request.body as { key?: unknown; type?: unknown } | null;
    if (!body || typeof body !== 'object')
      return reply.code(400).send({ error: 'the body must be a JSON object {key, type, data}' });
    if (typeof body.key !== 'string' || !timingSafeEqual(digest(body.key), expectedKey)) {
      logger.warn(
        { ip: request.ip, type: typeof body.type === 'string' ? body.type.slice(0, 40) : null },
        'push event refused: wrong key',
      );
      return reply.code(401).send({ error: "the key is not this community's API key" });
    }
    if (!PUSH_EVENT_TYPES.includes(body.type as never)) {
      return reply
        .code(400)
        .send({ error: `unknown event type; expected one of ${PUSH_EVENT_TYPES.join(', ')}` });
    }
    const parsed = pushEvent.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return reply
        .code(400)
        .send({ error: `${['', ...issue.path].join('.').slice(1) || 'body'}: ${issue.message}` });
    }
    // Stored before the answer: a 200 means the event cannot be lost any more.
    const outcome = await options.intake.accept(
      observationOf(parsed.data, Date.now()),
      dedupKeyOf(parsed.data),
    );
    return reply.code(200).send({ ok: true, [outcome]: true });
  });
  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: PUSH_PATH,
    handler: async (_request, reply) =>
      reply.code(405).header('allow', 'POST').send({ error: 'push events are POSTed' }),
  });
  return app;
}
