import { existsSync } from 'node:fs';
import { isIP, type BlockList } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  isOperationName,
  operationNames,
  v1LimitOverrideProblem,
  type OperationName,
} from './cms/catalog/index.js';
import { SANDBOX_API_KEY, SANDBOX_COMMUNITY_ID } from './cms/emulator/seed.js';
import { BOT_OPERATIONS } from './cms/service/operations.js';
import { parseAllowedSenders } from './events/cms/allowed-senders.js';

/**
 * Every setting comes from the environment through the schemas below, one per side of the bot;
 * each entry point checks only the sides it needs. `.env.example` documents each variable; keep
 * the two in step.
 */

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .default('false')
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
/** `redis+cluster://` and `rediss+cluster://` name one node of a Redis Cluster (see src/queue/redis.ts). */
const redisUrl = z.url({
  protocol: /^rediss?(\+cluster)?$/,
  error: 'must be a redis://, rediss://, redis+cluster:// or rediss+cluster:// URL',
});
const snowflake = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
  .regex(/^\d{17,20}$/, 'must be a Discord id (17 to 20 digits)');

/** `CMS_V1_LIMITS="v1.kickAccount=9,v1.banAccount=6"` overrides the guessed limits of kick and ban. */
export const v1LimitsSchema = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const limits: Record<string, number> = {};
    for (const pair of text
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      const match = /^(v1\.[A-Za-z]+)=(\d+)$/.exec(pair);
      if (!match || Number(match[2]) < 1) {
        ctx.addIssue({
          code: 'custom',
          message: `"${pair}" is not of the form v1.operationName=perMinute`,
        });
        continue;
      }
      // Only kick and ban take one: a twinned v1 operation spends its v2 twin's documented budget.
      const problem = v1LimitOverrideProblem(match[1]!);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        continue;
      }
      limits[match[1]!] = Number(match[2]);
    }
    return limits;
  });

/**
 * `CMS_WORKER_OPERATIONS`: which operations this process's queue workers send. `bot` (the
 * default) is the bot's own list, `all` the whole catalog, else a comma-separated list of names.
 * Each served operation costs the process one blocking Redis connection.
 */
export const workerOperationsSchema = z
  .string()
  .default('bot')
  .transform((text, ctx): OperationName[] => {
    const value = text.trim();
    if (value === 'bot') return [...BOT_OPERATIONS];
    if (value === 'all') return [...operationNames];
    const names = value
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    const unknown = names.filter((name) => !isOperationName(name));
    if (unknown.length > 0 || names.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be bot, all, or operation names of the catalog (unknown: ${unknown.join(', ') || 'none given'})`,
      });
      return [];
    }
    return [...new Set(names)] as OperationName[];
  });

/** A duration: `300000` (ms), `90s`, `5m`, `1h`; `0` turns the feature off. */
const duration = (fallbackMs: number) =>
  z
    .string()
    .default(String(fallbackMs))
    .transform((text, ctx) => {
      const match = /^(\d+)\s*(ms|s|m|h)?$/.exec(text.trim());
      if (!match) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a duration such as 300000, 90s, 5m or 1h (0 turns it off)',
        });
        return 0;
      }
      const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms'] ?? 1;
      return Number(match[1]) * unit;
    });

const required = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
    .min(1, 'is required');

const PRODUCTION_CMS = 'https://api.sonorancms.com';
const PRODUCTION_WINDOW_MS = 60_000;

const generalSchema = z.object({
  SANDBOX: booleanFlag,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** The CMS side (the queue, its workers and the CMS client): the worker, the sandbox and the bot. */
const cmsSchema = z.object({
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  CMS_API_URL: httpUrl.optional(),
  CMS_COMMUNITY_ID: required(),
  CMS_API_KEY: required(),
  CMS_TIMEOUT_MS: positiveInt(10_000),
  CMS_V1_LIMITS: v1LimitsSchema,

  CMS_RATE_WINDOW_MS: positiveInt(PRODUCTION_WINDOW_MS),
  CMS_PACING_MARGIN_MS: z.coerce.number().int().nonnegative().optional(),
  CMS_INTERACTIVE_RESERVE: z.coerce.number().min(0).max(0.5).default(0.1),
  CMS_MAX_ATTEMPTS: positiveInt(4),
  CMS_RETRY_BASE_MS: positiveInt(1_000),
  CMS_JOB_LOCK_MS: positiveInt(30_000),
  CMS_WORKER_OPERATIONS: workerOperationsSchema,
});

/** SANDBOX=true: the emulator's seeded community and key stand in for real credentials. */
const sandboxCmsSchema = cmsSchema.extend({
  CMS_COMMUNITY_ID: required().default(SANDBOX_COMMUNITY_ID),
  CMS_API_KEY: required().default(SANDBOX_API_KEY),
});

/** The Discord side of the bot. */
const discordSchema = z.object({
  DISCORD_TOKEN: required(),
  DISCORD_CLIENT_ID: snowflake,
  DISCORD_GUILD_ID: snowflake,
  AUDIT_CHANNEL_ID: snowflake,
  DISCORD_API_URL: httpUrl.optional(),
  ON_DUTY_ROLE_ID: snowflake.optional(),
  CMS_DEFAULT_SERVER_ID: z.coerce.number().int().positive().optional(),
  STAFF_DM_MEMBER: booleanFlag.default(true),
  AUDIT_MODERATION_CHANNEL_ID: snowflake.optional(),
  AUDIT_UPDATES_CHANNEL_ID: snowflake.optional(),
  SHIFT_LOG_CHANNEL_ID: snowflake.optional(),
  PUSH_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  PUSH_HOST: z.string().min(1).default('0.0.0.0'),
  PUSH_ALLOWED_IPS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parseAllowedSenders(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return null;
      }
    }),
  PUSH_RATE_LIMIT_PER_MINUTE: positiveInt(600),
  OPS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  OPS_HOST: z.string().min(1).default('127.0.0.1'),
  RECONCILE_EVERY: duration(5 * 60_000),
  RECONCILE_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
  BAN_SYNC: booleanFlag,
  KICK_SYNC: booleanFlag,
});

/** deploy-commands: one guild when DISCORD_GUILD_ID is set, else global commands. */
const deploySchema = discordSchema
  .pick({ DISCORD_TOKEN: true, DISCORD_CLIENT_ID: true, DISCORD_API_URL: true })
  .extend({ DISCORD_GUILD_ID: snowflake.optional() });

export interface DiscordConfig {
  token: string;
  clientId: string;
  guildId: string;
  auditChannelId: string;
  /**
   * Discord's API base (`…/api`) for REST and, through it, the gateway; null for Discord
   * itself. Tests and the demo point it at the Discord emulator.
   */
  apiUrl: string | null;
  /** Given on clock-in and taken on clock-out, when set. */
  onDutyRoleId: string | null;
  /** The game server /whitelist checks when none is named; null for the community's first. */
  defaultServerId: number | null;
  /** DM the member the reason before a staff /ban or /kick (a closed DM is no error). */
  dmMemberOnStaffAction: boolean;
  /** Optional channels of their own for moderation notices, account updates and the shift log. */
  channels: { moderation: string | null; updates: string | null; shifts: string | null };
  /** The push receiver: off without a port. */
  push: {
    port: number | null;
    host: string;
    allowedSenders: BlockList | null;
    perAddressPerMinute: number;
  };
  /** /healthz, /readyz and /metrics (src/ops): off without a port; loopback by default. */
  ops: { port: number | null; host: string };
  /** How often the reconciler reads the accounts (0: never), and its share of the reads' budgets. */
  reconcile: { everyMs: number; share: number };
  /** Mirror CMS bans and kicks found by push or reconciliation in Discord. */
  sync: { bans: boolean; kicks: boolean };
}

export interface Config {
  /** Every secret value set (even in a side not checked), for the logger to scrub. */
  secrets: string[];
  /** SANDBOX=true: no CMS credentials needed; the CMS is the emulator. */
  sandbox: boolean;
  /**
   * SANDBOX=true without CMS_API_URL: the entry point starts the CMS emulator in-process
   * (src/sandbox/built-in-cms.ts) and points `cms.baseUrl` at it; until then `cms.baseUrl` is ''.
   */
  builtInCms: boolean;
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
    /** The operations this process's queue workers send (CMS_WORKER_OPERATIONS). */
    workerOperations: OperationName[];
  };
  /** Set only when the entry point asked for the Discord side (`loadConfig(env, { discord: true })`). */
  discord: DiscordConfig | null;
}

/** What deploy-commands needs, and nothing of the CMS. */
export interface DeployConfig {
  secrets: string[];
  discord: { token: string; clientId: string; guildId: string | null; apiUrl: string | null };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Configuration is invalid (check your environment or .env file):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** The folder of package.json, found from this module's own location (src/ or dist/src/). */
export function packageRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** The `.env` next to package.json, wherever the command runs from. */
export function dotEnvPath(): string {
  return join(packageRoot(), '.env');
}

/**
 * Adds the variables of a `.env` file (by default `dotEnvPath()`) to the environment. Variables
 * already set in the environment win, so a deployment can override the file.
 */
export function readDotEnv(path = dotEnvPath()): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** Every variable the bot, the worker and the sandbox read (the tests blank them all). */
export const SETTING_NAMES: readonly string[] = [
  ...Object.keys(generalSchema.shape),
  ...Object.keys(cmsSchema.shape),
  ...Object.keys(discordSchema.shape),
];

/** An empty value (`CMS_API_KEY=` copied from .env.example) counts as unset. */
function presentValues(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== '',
    ),
  );
}

/** Parses one side, adding its problems to the list. Messages name the variable and the rule, never the value. */
function parseSide<S extends z.ZodType>(
  schema: S,
  values: Record<string, string>,
  problems: string[],
): z.output<S> | undefined {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  problems.push(
    ...parsed.error.issues.map(
      (issue) => `${String(issue.path[0] ?? 'environment')}: ${issue.message}`,
    ),
  );
  return undefined;
}

function failIfAny(problems: string[]): void {
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
}

/** The parts of a URL that are credentials, as written and decoded. */
function urlSecrets(text: string | undefined): string[] {
  let url: URL;
  try {
    url = new URL(text ?? '');
  } catch {
    return [];
  }
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  // user:password (the pair and the password); a lone user part may itself be a token.
  const parts = url.password
    ? [`${url.username}:${url.password}`, url.password]
    : url.username
      ? [url.username]
      : [];
  return parts.flatMap((part) => [part, decode(part)]);
}

function secretsOf(values: Record<string, string>): string[] {
  const all = [
    values.CMS_API_KEY,
    values.DISCORD_TOKEN,
    ...urlSecrets(values.REDIS_URL),
    ...urlSecrets(values.CMS_API_URL),
  ];
  return [...new Set(all.filter((value): value is string => value !== undefined))];
}

/** Loopback only: 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackUrl(text: string): boolean {
  const host = new URL(text).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

type CmsValues = z.output<typeof cmsSchema>;

/** Settings that parse one by one but not together. */
function crossChecks(e: CmsValues, sandbox: boolean, problems: string[]): void {
  if (sandbox && e.CMS_API_URL && /(^|\.)sonorancms\.com$/i.test(new URL(e.CMS_API_URL).hostname)) {
    problems.push(
      'CMS_API_URL: SANDBOX=true is for the emulator, not the real CMS; leave CMS_API_URL empty to use the built-in emulator, or unset SANDBOX',
    );
  }
  const builtIn = sandbox && !e.CMS_API_URL;
  if (
    e.CMS_RATE_WINDOW_MS < PRODUCTION_WINDOW_MS &&
    !builtIn &&
    !isLoopbackUrl(e.CMS_API_URL ?? PRODUCTION_CMS)
  ) {
    problems.push(
      `CMS_RATE_WINDOW_MS: a window shorter than ${PRODUCTION_WINDOW_MS} ms is only for an emulator on this machine ` +
        '(CMS_API_URL on localhost, 127.0.0.0/8 or ::1); against the real CMS it would break its limits and get the API key blocked for an hour',
    );
  }
}

export interface LoadOptions {
  /** Also check and return the Discord side (the bot). The worker and the sandbox need none of it. */
  discord?: boolean;
}

/**
 * Reads and validates the CMS side (and the Discord side when asked); throws one ConfigError
 * listing every problem.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  options: { discord: true },
): Config & { discord: DiscordConfig };
export function loadConfig(env?: NodeJS.ProcessEnv, options?: LoadOptions): Config;
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): Config {
  const values = presentValues(env);
  const problems: string[] = [];
  const general = parseSide(generalSchema, values, problems);
  const sandbox = general?.SANDBOX ?? false;
  const e = parseSide(sandbox ? sandboxCmsSchema : cmsSchema, values, problems);
  const d = options.discord ? parseSide(discordSchema, values, problems) : undefined;
  if (e) crossChecks(e, sandbox, problems);
  // One port each: the push receiver faces Sonoran, the metrics must not.
  if (d?.OPS_PORT && d.OPS_PORT === d.PUSH_PORT)
    problems.push('OPS_PORT: must differ from PUSH_PORT (the metrics are not for push senders)');
  failIfAny(problems);
  const builtInCms = sandbox && !e!.CMS_API_URL;
  return {
    secrets: secretsOf(values),
    sandbox,
    builtInCms,
    logLevel: general!.LOG_LEVEL,
    redisUrl: e!.REDIS_URL,
    cms: {
      baseUrl: builtInCms ? '' : (e!.CMS_API_URL ?? PRODUCTION_CMS).replace(/\/+$/, ''),
      communityId: e!.CMS_COMMUNITY_ID,
      apiKey: e!.CMS_API_KEY,
      timeoutMs: e!.CMS_TIMEOUT_MS,
      v1Limits: e!.CMS_V1_LIMITS,
    },
    pacing: {
      windowMs: e!.CMS_RATE_WINDOW_MS,
      // About one second at the real one-minute window, scaled down with a compressed window.
      marginMs: e!.CMS_PACING_MARGIN_MS ?? Math.ceil(e!.CMS_RATE_WINDOW_MS / 60),
      interactiveReserve: e!.CMS_INTERACTIVE_RESERVE,
      maxAttempts: e!.CMS_MAX_ATTEMPTS,
      retryBaseMs: e!.CMS_RETRY_BASE_MS,
      jobLockMs: e!.CMS_JOB_LOCK_MS,
      workerOperations: e!.CMS_WORKER_OPERATIONS,
    },
    discord: d
      ? {
          token: d.DISCORD_TOKEN,
          clientId: d.DISCORD_CLIENT_ID,
          guildId: d.DISCORD_GUILD_ID,
          auditChannelId: d.AUDIT_CHANNEL_ID,
          apiUrl: d.DISCORD_API_URL?.replace(/\/+$/, '') ?? null,
          onDutyRoleId: d.ON_DUTY_ROLE_ID ?? null,
          defaultServerId: d.CMS_DEFAULT_SERVER_ID ?? null,
          dmMemberOnStaffAction: d.STAFF_DM_MEMBER,
          channels: {
            moderation: d.AUDIT_MODERATION_CHANNEL_ID ?? null,
            updates: d.AUDIT_UPDATES_CHANNEL_ID ?? null,
            shifts: d.SHIFT_LOG_CHANNEL_ID ?? null,
          },
          push: {
            port: d.PUSH_PORT ?? null,
            host: d.PUSH_HOST,
            allowedSenders: d.PUSH_ALLOWED_IPS,
            perAddressPerMinute: d.PUSH_RATE_LIMIT_PER_MINUTE,
          },
          ops: { port: d.OPS_PORT ?? null, host: d.OPS_HOST },
          reconcile: { everyMs: d.RECONCILE_EVERY, share: d.RECONCILE_SHARE },
          sync: { bans: d.BAN_SYNC, kicks: d.KICK_SYNC },
        }
      : null,
  };
}

/** What deploy-commands reads: the bot's token and application id, and a guild if any. No CMS settings. */
export function loadDeployConfig(env: NodeJS.ProcessEnv = process.env): DeployConfig {
  const values = presentValues(env);
  const problems: string[] = [];
  const d = parseSide(deploySchema, values, problems);
  failIfAny(problems);
  return {
    secrets: secretsOf(values),
    discord: {
      token: d!.DISCORD_TOKEN,
      clientId: d!.DISCORD_CLIENT_ID,
      guildId: d!.DISCORD_GUILD_ID ?? null,
      apiUrl: d!.DISCORD_API_URL?.replace(/\/+$/, '') ?? null,
    },
  };
}
