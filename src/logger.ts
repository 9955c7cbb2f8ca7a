import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured fields that hold credentials wherever they appear (one level deep, as pino allows). */
const REDACTED_PATHS = [
  'apiKey', '*.apiKey', 'key', '*.key', 'token', '*.token', 'password', '*.password',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
  'headers.Authorization', '*.headers.Authorization',
];

const CENSOR = '[redacted]';

export interface LoggerOptions {
  level?: string;
  /** Known secret values (API key, bot token): scrubbed from every line, even inside messages and stacks. */
  secrets?: (string | undefined)[];
  /** Where lines go; stdout by default. Tests pass a stream to read what was written. */
  destination?: pino.DestinationStream;
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  // Short values would scrub ordinary words; real keys and tokens are long.
  const raw = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 6);
  // A line is JSON, so a secret with quotes or backslashes appears there in its escaped form.
  const secrets = [...new Set(raw.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: CENSOR },
      hooks: {
        streamWrite: (line) => secrets.reduce((text, secret) => text.split(secret).join(CENSOR), line),
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
