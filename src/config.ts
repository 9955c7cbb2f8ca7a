import { existsSync } from 'node:fs';
import { z } from 'zod';
import { getOperation, isOperationName } from './cms/catalog/index.js';

/**
 * Every setting comes from the environment through this one schema.
 * `.env.example` documents each variable; keep the two in step.
 */

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .default('false')
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const redisUrl = z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' });
const snowflake = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
  .regex(/^\d{17,20}$/, 'must be a Discord id (17 to 20 digits)');

/** `CMS_V1_LIMITS="v1.kickAccount=9,v1.banAccount=6"` overrides the guessed v1 limits. */
export const v1LimitsSchema = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const limits: Record<string, number> = {};
    for (const pair of text.split(',').map((part) => part.trim()).filter(Boolean)) {
      const match = /^(v1\.[A-Za-z]+)=(\d+)$/.exec(pair);
      if (!match || Number(match[2]) < 1) {
        ctx.addIssue({ code: 'custom', message: `"${pair}" is not of the form v1.operationName=perMinute` });
        continue;
      }
      if (!isOperationName(match[1]!) || getOperation(match[1]!).version !== 'v1') {
        ctx.addIssue({ code: 'custom', message: `"${match[1]}" is not a v1 operation of the catalog` });
        continue;
      }
      limits[match[1]!] = Number(match[2]);
    }
    return limits;
  });

const required = () => z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') }).min(1, 'is required');

/** The sandbox brings its own CMS emulator and Discord stand-in, so it needs no Discord settings. */
function environmentSchema(sandbox: boolean) {
  const discord = <T extends z.ZodType>(schema: T) => (sandbox ? schema.optional() : schema);
  return z.object({
    SANDBOX: booleanFlag,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),

    CMS_API_URL: httpUrl.default('https://api.sonorancms.com'),
    CMS_COMMUNITY_ID: required(),
    CMS_API_KEY: required(),
    CMS_TIMEOUT_MS: positiveInt(10_000),
    CMS_V1_LIMITS: v1LimitsSchema,

    CMS_RATE_WINDOW_MS: positiveInt(60_000),
    CMS_PACING_MARGIN_MS: z.coerce.number().int().nonnegative().optional(),
    CMS_INTERACTIVE_RESERVE: z.coerce.number().min(0).max(0.5).default(0.1),
    CMS_MAX_ATTEMPTS: positiveInt(4),
    CMS_RETRY_BASE_MS: positiveInt(1_000),
    CMS_JOB_LOCK_MS: positiveInt(30_000),

    DISCORD_TOKEN: discord(required()),
    DISCORD_CLIENT_ID: discord(snowflake),
    DISCORD_GUILD_ID: discord(snowflake),
    AUDIT_CHANNEL_ID: discord(snowflake),
  });
}

export interface Config {
  /** Every secret value set (even in an otherwise incomplete group), for the logger to scrub. */
  secrets: string[];
  sandbox: boolean;
  logLevel: string;
  redisUrl: string;
  cms: {
    baseUrl: string;
    communityId: string;
    apiKey: string;
    timeoutMs: number;
    /** Per-minute limits for v1 operations, overriding the catalog's guess. */
    v1Limits: Record<string, number>;
  };
  pacing: {
    /** Length of the CMS rate window: one minute in production, shorter only against the emulator. */
    windowMs: number;
    /** Added to the window so a request decided at the window's edge still arrives outside it. */
    marginMs: number;
    /** Share of every budget that background work may not use. */
    interactiveReserve: number;
    maxAttempts: number;
    retryBaseMs: number;
    /** How long a worker may go silent before another process takes its job over. */
    jobLockMs: number;
  };
  discord: {
    token: string;
    clientId: string;
    guildId: string;
    auditChannelId: string;
  } | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is invalid (check your environment or .env file):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Adds the variables of a `.env` file (if there is one) to the environment. Variables already
 * set in the environment win, so a deployment can override the file.
 */
export function readDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** Reads and validates the whole configuration; throws one ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty value (`CMS_API_KEY=` copied from .env.example) counts as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const sandbox = booleanFlag.safeParse(present.SANDBOX);
  const parsed = environmentSchema(sandbox.success && sandbox.data).safeParse(present);
  if (!parsed.success) {
    // Messages name the variable and the rule, never the value: some values are secrets.
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')}: ${issue.message}`);
    throw new ConfigError([...new Set(problems)]);
  }
  const e = parsed.data;
  const discordComplete = e.DISCORD_TOKEN && e.DISCORD_CLIENT_ID && e.DISCORD_GUILD_ID && e.AUDIT_CHANNEL_ID;
  return {
    secrets: [e.CMS_API_KEY, e.DISCORD_TOKEN].filter((value): value is string => value !== undefined),
    sandbox: e.SANDBOX,
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    cms: {
      baseUrl: e.CMS_API_URL.replace(/\/+$/, ''),
      communityId: e.CMS_COMMUNITY_ID,
      apiKey: e.CMS_API_KEY,
      timeoutMs: e.CMS_TIMEOUT_MS,
      v1Limits: e.CMS_V1_LIMITS,
    },
    pacing: {
      windowMs: e.CMS_RATE_WINDOW_MS,
      // About one second at the real one-minute window, scaled down with a compressed window.
      marginMs: e.CMS_PACING_MARGIN_MS ?? Math.ceil(e.CMS_RATE_WINDOW_MS / 60),
      interactiveReserve: e.CMS_INTERACTIVE_RESERVE,
      maxAttempts: e.CMS_MAX_ATTEMPTS,
      retryBaseMs: e.CMS_RETRY_BASE_MS,
      jobLockMs: e.CMS_JOB_LOCK_MS,
    },
    discord: discordComplete
      ? {
          token: e.DISCORD_TOKEN!,
          clientId: e.DISCORD_CLIENT_ID!,
          guildId: e.DISCORD_GUILD_ID!,
          auditChannelId: e.AUDIT_CHANNEL_ID!,
        }
      : null,
  };
}
