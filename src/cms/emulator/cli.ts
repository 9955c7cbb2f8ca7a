import { parseArgs } from 'node:util';
import { v1LimitOverrideProblem } from '../catalog/index.js';
import { v1LimitsSchema } from '../../config.js';
import { createLogger } from '../../logger.js';
import { startCmsEmulator } from './server.js';
import { SANDBOX_API_KEY, SANDBOX_COMMUNITY_ID } from './seed.js';

const USAGE = `Sonoran CMS emulator: serves every catalog operation from a seeded sandbox community.

Usage: npm run emulator -- [options]

  --port <n>            port to listen on (default 4545; 0 picks a free one)
  --host <addr>         address to bind (default 127.0.0.1)
  --api-key <key>       the credential it accepts (default ${SANDBOX_API_KEY})
  --community-id <id>   the community id v1 calls must send (default ${SANDBOX_COMMUNITY_ID})
  --window-ms <ms>      rate-limit window (default 60000; shrink for fast pacing runs)
  --block-seconds <s>   how long a credential stays blocked after a 429 (default 3600)
  --latency-ms <ms>     added to every answer (default 0)
  --error-rate <0..1>   share of requests answered 503 (default 0)
  --hang-rate <0..1>    share of requests that take effect but never answer (default 0)
  --malformed-rate <0..1>  share of answers that break the documented shape (default 0)
  --v1-limits <list>    v1 limits the bot was given, as in CMS_V1_LIMITS (v1.kickAccount=9,...);
                        only v1 operations without a v2 twin (kick, ban) take one
  --separate-twins      meter each v1 operation in its own window; by default a v1 operation
                        and its v2 twin (v1.getComAccount and getAccount) share one window,
                        and each /__emulator/stats row is one such budget
  --push-url <url>      POST ACCOUNT_KICKED / ACCOUNT_BANNED / ACCOUNT_UPDATED events here
  --help                show this text

After a 429 the key stays blocked for --block-seconds: POST /__emulator/stats/reset lifts the
block (and forgets rate-limit history); POST /__emulator/reset also reseeds the community.
`;

function parseV1Limits(text: string | undefined): Record<string, number> {
  const parsed = v1LimitsSchema.safeParse(text ?? '');
  if (!parsed.success)
    throw new Error(`--v1-limits: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  const refused = Object.keys(parsed.data)
    .map(v1LimitOverrideProblem)
    .filter((problem) => problem !== null);
  if (refused.length > 0) throw new Error(`--v1-limits: ${refused.join('; ')}`);
  return parsed.data;
}

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0)
    throw new Error(`--${name} must be a non-negative number, got "${value}"`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'api-key': { type: 'string' },
      'community-id': { type: 'string' },
      'window-ms': { type: 'string' },
      'block-seconds': { type: 'string' },
      'latency-ms': { type: 'string' },
      'error-rate': { type: 'string' },
      'hang-rate': { type: 'string' },
      'malformed-rate': { type: 'string' },
      'v1-limits': { type: 'string' },
      'push-url': { type: 'string' },
      'separate-twins': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const emulator = await startCmsEmulator({
    port: number(values.port, 'port', 4545),
    host: values.host,
    apiKey: values['api-key'],
    communityId: values['community-id'],
    windowMs: number(values['window-ms'], 'window-ms', 60_000),
    blockSeconds: number(values['block-seconds'], 'block-seconds', 3600),
    faults: {
      latencyMs: number(values['latency-ms'], 'latency-ms', 0),
      errorRate: number(values['error-rate'], 'error-rate', 0),
      hangRate: number(values['hang-rate'], 'hang-rate', 0),
      malformedRate: number(values['malformed-rate'], 'malformed-rate', 0),
    },
    v1Limits: parseV1Limits(values['v1-limits']),
    separateTwins: values['separate-twins'] ?? false,
    pushUrl: values['push-url'],
    logger: createLogger({ level: 'warn', name: 'cms-emulator' }),
  });
  console.log(`Sonoran CMS emulator listening on ${emulator.url}`);
  console.log(`  CMS_API_URL=${emulator.url}`);
  console.log(`  CMS_COMMUNITY_ID=${emulator.communityId}`);
  console.log(`  CMS_API_KEY=${emulator.apiKey}`);
  const twins = emulator.limiter.separateTwins
    ? 'v1 twins metered apart'
    : 'v1 twins share their v2 budget';
  console.log(
    `  window ${emulator.limiter.windowMs} ms, block ${emulator.limiter.blockMs / 1000} s, ${twins}; stats at ${emulator.url}/__emulator/stats`,
  );
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
