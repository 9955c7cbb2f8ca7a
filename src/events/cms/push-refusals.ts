/** How the push receiver words its refusals, and how often it logs the repetitive ones. */

/** A refusal the receiver raises itself (flood limit, storage too slow): status and message. */
export class PushRefusal extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code = 'PUSH_REFUSED',
  ) {
    super(message);
    this.name = 'PushRefusal';
  }
}

/** Fastify's own refusals (content type, size) and the receiver's, in words a sender can act on. */
export function refusalMessage(
  error: Error & { statusCode?: number; code?: string },
  bodyLimitBytes: number,
): string {
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return 'push events are JSON: send Content-Type: application/json';
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return `the body is larger than ${bodyLimitBytes} bytes`;
  if (error instanceof PushRefusal || (error.statusCode ?? 500) < 500) return error.message;
  return 'the event could not be stored; send it again';
}

/** The refusal when an accepted event could not be stored in time (the store goes on). */
export const storeTooSlow = () =>
  new PushRefusal(503, 'the event could not be stored in time; send it again');

/**
 * Whether to log a repetitive refusal now: once per `key` (an address, a cause) per `everyMs`,
 * so a flood or an outage is a line a minute, not one per request.
 */
export function oncePer(everyMs: number): (key: string) => boolean {
  const last = new Map<string, number>();
  return (key) => {
    const now = Date.now();
    if (now - (last.get(key) ?? -Infinity) < everyMs) return false;
    // Bounded: a flood from many addresses forgets the oldest instead of growing.
    if (last.size >= 1_000) last.delete(last.keys().next().value!);
    last.delete(key);
    last.set(key, now);
    return true;
  };
}
