import type { FastifyInstance } from 'fastify';

/** What the receiver's JSON parser makes of a body that is not JSON, for the handler to refuse. */
export class UnreadableBody {
  constructor(readonly empty: boolean) {}
}

/**
 * JSON is the only body the receiver reads (Fastify would otherwise take text/plain as a string:
 * anything else is a 415). A body that does not parse, or would set a prototype, becomes an
 * UnreadableBody for the handler to refuse on a connection kept open; Fastify's own refusal
 * would close it, and the sender's next event would pay for a new one.
 */
export function readJsonBodiesOnly(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    parseJson(request, body as string, (error: (Error & { code?: string }) | null, value) =>
      done(null, error ? new UnreadableBody(error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') : value),
    ),
  );
}
