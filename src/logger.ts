import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured fields that hold credentials wherever they appear (one level deep, as pino allows). */
const REDACTED_PATHS = [
  'apiKey',
  '*.apiKey',
  'key',
  '*.key',
  'token',
  '*.token',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.Authorization',
  '*.headers.Authorization',
  // A failed Redis command carries its arguments: for AUTH, the password.
  'command.args',
  '*.command.args',
  '*.cause.command.args',
];

const CENSOR = '[redacted]';

/** `scheme://authority` as it appears in text; the authority may hold `user:password@`. */
const URL_AUTHORITY = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'<>\\]*)/gi;

function scrubAuthority(scheme: string, authority: string): string {
  const at = authority.lastIndexOf('@');
  if (at < 0) return scheme + authority;
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  // Keep a user name (it helps to read which account failed); a lone userinfo may be a token.
  const kept = colon < 0 ? CENSOR : `${userinfo.slice(0, colon)}:${CENSOR}`;
  return `${scheme}${kept}${authority.slice(at)}`;
}

/** Replaces the password (or a lone token) in every URL of a text: `redis://u:pw@h` → `redis://u:[redacted]@h`. */
export function scrubUrlCredentials(text: string): string {
  return text.replace(URL_AUTHORITY, (_, scheme: string, authority: string) =>
    scrubAuthority(scheme, authority),
  );
}

/** A URL fit to print in a banner or a log line: no credentials. */
export function displayUrl(url: string): string {
  return scrubUrlCredentials(url);
}

/** A Redis command error's arguments in a written line, at any depth: AUTH's hold the password. */
const COMMAND_ARGS =
  /("command":\{"name":"[^"]*","args":)\[(?:"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^\]["])*\]/g;

function scrubLine(line: string, secrets: string[]): string {
  // URLs first, so a URL keeps its user name even when its user:password pair is a known secret.
  const structural = scrubUrlCredentials(line).replace(COMMAND_ARGS, `$1"${CENSOR}"`);
  return secrets.reduce((text, secret) => text.split(secret).join(CENSOR), structural);
}

export interface LoggerOptions {
  level?: string;
  /** Known secret values (API key, bot token, Redis password): scrubbed from every line, even inside messages and stacks. */
  secrets?: (string | undefined)[];
  /** Where lines go; stdout by default. Tests pass a stream to read what was written. */
  destination?: pino.DestinationStream;
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  // Short values would scrub ordinary words; real keys and tokens are long.
  const raw = (options.secrets ?? []).filter(
    (s): s is string => typeof s === 'string' && s.length >= 6,
  );
  // A line is JSON, so a secret with quotes or backslashes appears there in its escaped form.
  // Longest first, so a secret that contains another is scrubbed whole.
  const secrets = [...new Set(raw.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))].sort(
    (a, b) => b.length - a.length,
  );
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: CENSOR },
      hooks: {
        streamWrite: (line) => scrubLine(line, secrets),
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
