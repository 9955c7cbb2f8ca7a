/**
 * Discord's JSON errors: `{ code, message, errors? }` with the documented codes and texts, so
 * discord.js raises the same DiscordAPIError it would against Discord.
 */
export class DiscordError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Record<string, unknown>,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      message: this.message,
      code: this.code,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

const KNOWN: Record<number, [status: number, message: string]> = {
  10003: [404, 'Unknown Channel'],
  10004: [404, 'Unknown Guild'],
  10007: [404, 'Unknown Member'],
  10008: [404, 'Unknown Message'],
  10011: [404, 'Unknown Role'],
  10013: [404, 'Unknown User'],
  10015: [404, 'Unknown Webhook'],
  10026: [404, 'Unknown Ban'],
  10062: [404, 'Unknown interaction'],
  40060: [400, 'Interaction has already been acknowledged.'],
  50001: [403, 'Missing Access'],
  50006: [400, 'Cannot send an empty message'],
  50007: [403, 'Cannot send messages to this user'],
  50013: [403, 'Missing Permissions'],
  50027: [401, 'Invalid Webhook Token'],
};

export function apiError(code: keyof typeof KNOWN | number): DiscordError {
  const [status, message] = KNOWN[code] ?? [400, 'Bad Request'];
  return new DiscordError(status, code, message);
}

export function unauthorized(): DiscordError {
  return new DiscordError(401, 0, '401: Unauthorized');
}

export function notFound(): DiscordError {
  return new DiscordError(404, 0, '404: Not Found');
}

/** One field problem, at a path like ['embeds', 0, 'title'], in Discord's nested `_errors` shape. */
export interface FieldProblem {
  path: Array<string | number>;
  code: string;
  message: string;
}

/** 400 code 50035 "Invalid Form Body" with every problem nested under its field path. */
export function invalidFormBody(problems: FieldProblem[]): DiscordError {
  const errors: Record<string, unknown> = {};
  for (const problem of problems) {
    let node = errors;
    for (const key of problem.path) {
      const next = (node[String(key)] ??= {}) as Record<string, unknown>;
      node = next;
    }
    ((node._errors ??= []) as unknown[]).push({ code: problem.code, message: problem.message });
  }
  return new DiscordError(400, 50035, 'Invalid Form Body', errors);
}

export function maxLength(path: Array<string | number>, max: number): FieldProblem {
  return { path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` };
}
