import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { operationNames } from '../../src/cms/catalog/index.js';
import { BOT_OPERATIONS } from '../../src/cms/service/operations.js';
import {
  ConfigError,
  dotEnvPath,
  loadConfig,
  loadDeployConfig,
  readDotEnv,
  type LoadOptions,
} from '../../src/config.js';

const cms = { CMS_COMMUNITY_ID: 'community-123', CMS_API_KEY: 'secret-api-key-value' };
const discord = {
  DISCORD_TOKEN: 'secret.discord.token',
  DISCORD_CLIENT_ID: '111111111111111111',
  DISCORD_GUILD_ID: '222222222222222222',
  AUDIT_CHANNEL_ID: '333333333333333333',
};
const production = { ...cms, ...discord };

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

const configProblems = (env: NodeJS.ProcessEnv, options?: LoadOptions) =>
  problemsOf(() => loadConfig(env, options));
const names = (problems: string[]) => problems.map((p) => p.split(':')[0]).sort();

describe('configuration', () => {
  it('reads a complete environment, with defaults for the rest', () => {
    const config = loadConfig(production, { discord: true });
    assert.equal(config.cms.baseUrl, 'https://api.sonorancms.com');
    assert.equal(config.cms.apiKey, 'secret-api-key-value');
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
    assert.deepEqual(config.secrets, ['secret-api-key-value', 'secret.discord.token']);
    const { workerOperations, ...pacing } = config.pacing;
    assert.deepEqual(pacing, {
      windowMs: 60_000,
      marginMs: 1_000,
      interactiveReserve: 0.1,
      maxAttempts: 4,
      retryBaseMs: 1_000,
      jobLockMs: 30_000,
    });
    assert.deepEqual(
      workerOperations,
      [...BOT_OPERATIONS],
      "workers serve the bot's own operations by default",
    );
    assert.equal(config.discord.auditChannelId, '333333333333333333');
    assert.equal(config.sandbox, false);
    assert.equal(config.builtInCms, false);
  });

  it('asks the worker for the CMS side only, and the bot for Discord too, listing every problem at once', () => {
    assert.deepEqual(names(configProblems({})), ['CMS_API_KEY', 'CMS_COMMUNITY_ID']);
    const problems = configProblems({}, { discord: true });
    assert.deepEqual(names(problems), [
      'AUDIT_CHANNEL_ID',
      'CMS_API_KEY',
      'CMS_COMMUNITY_ID',
      'DISCORD_CLIENT_ID',
      'DISCORD_GUILD_ID',
      'DISCORD_TOKEN',
    ]);
    assert.ok(problems.every((p) => p.endsWith('is required')));
    // The worker ignores Discord settings entirely, even broken ones.
    assert.equal(loadConfig({ ...cms, DISCORD_GUILD_ID: 'my-guild' }).discord, null);
  });

  it('treats an empty value as missing and names each invalid one', () => {
    const problems = configProblems(
      {
        ...production,
        CMS_API_KEY: '',
        REDIS_URL: 'http://localhost:6379',
        CMS_TIMEOUT_MS: 'soon',
        DISCORD_GUILD_ID: 'my-guild',
        LOG_LEVEL: 'loud',
        CMS_V1_LIMITS: 'v1.kickAccount=5,v1.nothing=3,banAccount,v1.getComAccount=40',
        CMS_WORKER_OPERATIONS: 'getAccount,noSuchOperation',
      },
      { discord: true },
    );
    const byName = Object.fromEntries(problems.map((p) => [p.split(':')[0], p]));
    assert.match(byName.CMS_API_KEY!, /is required/);
    assert.match(byName.REDIS_URL!, /redis:\/\//);
    assert.ok(byName.CMS_TIMEOUT_MS);
    assert.match(byName.DISCORD_GUILD_ID!, /Discord id/);
    assert.ok(byName.LOG_LEVEL);
    assert.ok(problems.some((p) => /v1\.nothing.*not a v1 operation/.test(p)));
    assert.ok(problems.some((p) => /"banAccount" is not of the form/.test(p)));
    assert.ok(
      problems.some((p) =>
        /v1\.getComAccount" shares the budget of its v2 twin getAccount/.test(p),
      ),
      'a twinned v1 operation takes no override',
    );
    assert.match(byName.CMS_WORKER_OPERATIONS!, /unknown: noSuchOperation/);
  });

  it('serves the whole catalog or a list of operations when asked', () => {
    assert.equal(
      loadConfig({ ...production, CMS_WORKER_OPERATIONS: 'all' }).pacing.workerOperations.length,
      operationNames.length,
    );
    assert.deepEqual(
      loadConfig({ ...production, CMS_WORKER_OPERATIONS: 'getAccount, v1.kickAccount' }).pacing
        .workerOperations,
      ['getAccount', 'v1.kickAccount'],
    );
  });

  it('never puts a secret value in its message', () => {
    const env = {
      ...production,
      CMS_TIMEOUT_MS: 'x',
      DISCORD_TOKEN: 'short',
      REDIS_URL: 'ftp://secret-api-key-value',
      CMS_API_URL: 'https://u:url-password@cms.example',
    };
    const messageOf = (load: () => unknown) => {
      try {
        load();
      } catch (e) {
        return (e as Error).message;
      }
      assert.fail('expected a ConfigError');
    };
    const message = messageOf(() => loadConfig(env, { discord: true }));
    assert.doesNotMatch(message, /secret-api-key-value|url-password/);
    assert.match(message, /REDIS_URL/);
    // A cross-check between two variables names them, not the URL it refused.
    const window = messageOf(() =>
      loadConfig({ ...cms, CMS_API_URL: env.CMS_API_URL, CMS_RATE_WINDOW_MS: '1000' }),
    );
    assert.match(window, /CMS_RATE_WINDOW_MS/);
    assert.doesNotMatch(window, /url-password|cms\.example/);
  });

  it('counts the credentials in REDIS_URL and CMS_API_URL among the secrets', () => {
    const config = loadConfig({
      ...cms,
      REDIS_URL: 'redis://bot:p%40ss-word@redis.internal:6379',
      CMS_API_URL: 'https://proxy-token@cms-proxy.example',
    });
    for (const secret of [
      'p%40ss-word',
      'p@ss-word',
      'bot:p%40ss-word',
      'bot:p@ss-word',
      'proxy-token',
    ])
      assert.ok(config.secrets.includes(secret), secret);
    assert.ok(!config.secrets.includes('bot'), 'a user name next to a password is no secret');
  });

  it('SANDBOX=true needs no CMS credentials and uses the built-in emulator', () => {
    const config = loadConfig({ SANDBOX: 'true' });
    assert.equal(config.sandbox, true);
    assert.equal(config.builtInCms, true, 'no CMS_API_URL: the entry point starts the emulator');
    assert.equal(config.cms.baseUrl, '', 'until the emulator is up, there is nowhere to send');
    assert.deepEqual(
      [config.cms.communityId, config.cms.apiKey],
      ['sandbox-community', 'sandbox-api-key'],
    );
    assert.equal(config.discord, null);

    // An emulator of your own (npm run emulator), with its own credentials if you gave it some.
    const own = loadConfig({
      SANDBOX: 'yes',
      CMS_API_URL: 'http://127.0.0.1:4545/',
      CMS_API_KEY: 'k',
      CMS_COMMUNITY_ID: 'c',
      CMS_V1_LIMITS: 'v1.kickAccount=5, v1.banAccount=6',
      CMS_RATE_WINDOW_MS: '6000',
    });
    assert.equal(own.builtInCms, false);
    assert.equal(own.cms.baseUrl, 'http://127.0.0.1:4545');
    assert.deepEqual([own.cms.communityId, own.cms.apiKey], ['c', 'k']);
    assert.deepEqual(own.cms.v1Limits, { 'v1.kickAccount': 5, 'v1.banAccount': 6 });
    assert.equal(own.pacing.marginMs, 100, 'the margin scales with a compressed window');

    // The sandbox key never goes to the real CMS.
    assert.deepEqual(
      names(configProblems({ SANDBOX: 'true', CMS_API_URL: 'https://api.sonorancms.com' })),
      ['CMS_API_URL'],
    );
    assert.deepEqual(names(configProblems({ SANDBOX: 'false' })), [
      'CMS_API_KEY',
      'CMS_COMMUNITY_ID',
    ]);
  });

  it('refuses a window under a minute unless the CMS is on this machine', () => {
    const short = { ...cms, CMS_RATE_WINDOW_MS: '59999' };
    const [problem, ...others] = configProblems(short);
    assert.deepEqual(others, []);
    assert.match(problem!, /^CMS_RATE_WINDOW_MS: .*60000 ms.*CMS_API_URL.*blocked for an hour/);
    for (const remote of [
      'https://cms.example.org',
      'http://10.0.0.5:4545',
      'http://127.0.0.1.example.org',
      'http://[::2]:4545',
    ]) {
      assert.deepEqual(
        names(configProblems({ ...short, CMS_API_URL: remote })),
        ['CMS_RATE_WINDOW_MS'],
        remote,
      );
    }
    for (const loopback of [
      'http://127.0.0.1:4545',
      'http://127.8.9.10',
      'http://localhost:4545',
      'http://[::1]:4545',
    ]) {
      assert.equal(
        loadConfig({ ...short, CMS_API_URL: loopback }).pacing.windowMs,
        59_999,
        loopback,
      );
    }
    assert.equal(
      loadConfig({ SANDBOX: 'true', CMS_RATE_WINDOW_MS: '6000' }).pacing.windowMs,
      6_000,
      'the built-in emulator is local',
    );
    assert.equal(
      loadConfig({ ...cms, CMS_API_URL: 'https://cms.example.org', CMS_RATE_WINDOW_MS: '60000' })
        .pacing.windowMs,
      60_000,
    );
  });

  it('asks deploy-commands for the bot token and application id only', () => {
    const guild = loadDeployConfig({ ...discord, CMS_TIMEOUT_MS: 'soon', AUDIT_CHANNEL_ID: '' });
    assert.deepEqual(guild.discord, {
      token: 'secret.discord.token',
      clientId: '111111111111111111',
      guildId: '222222222222222222',
      apiUrl: null,
    });
    assert.deepEqual(guild.secrets, ['secret.discord.token']);
    assert.equal(
      loadDeployConfig({ DISCORD_TOKEN: 't', DISCORD_CLIENT_ID: '111111111111111111' }).discord
        .guildId,
      null,
      'no guild: global commands',
    );
    const problems = problemsOf(() =>
      loadDeployConfig({ DISCORD_CLIENT_ID: 'my-app', DISCORD_GUILD_ID: '12' }),
    );
    assert.deepEqual(names(problems), ['DISCORD_CLIENT_ID', 'DISCORD_GUILD_ID', 'DISCORD_TOKEN']);
    assert.ok(problems.every((p) => !/my-app|: 12/.test(p)));
  });

  it('reads a .env file, letting variables already in the environment win', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dotenv-')), '.env');
    writeFileSync(file, 'SONORAN_TEST_FROM_FILE=file\nSONORAN_TEST_BOTH=file\n');
    process.env.SONORAN_TEST_BOTH = 'environment';
    try {
      readDotEnv(file);
      assert.equal(process.env.SONORAN_TEST_FROM_FILE, 'file');
      assert.equal(process.env.SONORAN_TEST_BOTH, 'environment');
      readDotEnv(join(tmpdir(), 'no-such-dir', '.env'));
    } finally {
      delete process.env.SONORAN_TEST_FROM_FILE;
      delete process.env.SONORAN_TEST_BOTH;
    }
  });

  it('finds .env next to package.json, whatever the current folder', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    const cwd = process.cwd();
    process.chdir(mkdtempSync(join(tmpdir(), 'elsewhere-')));
    try {
      assert.equal(dotEnvPath(), join(root, '.env'));
    } finally {
      process.chdir(cwd);
    }
  });

  it("reads the audit pipeline's settings: durations with units, off switches, defaults", () => {
    const defaults = loadConfig(production, { discord: true }).discord;
    assert.deepEqual(defaults.reconcile, { everyMs: 300_000, share: 0.5 });
    assert.deepEqual(defaults.push, {
      port: null,
      host: '0.0.0.0',
      allowedSenders: null,
      perAddressPerMinute: 600,
    });
    assert.deepEqual(defaults.sync, { bans: false, kicks: false });
    assert.equal(defaults.dmMemberOnStaffAction, true);
    const set = loadConfig(
      {
        ...production,
        RECONCILE_EVERY: '90s',
        PUSH_PORT: '3002',
        STAFF_DM_MEMBER: 'false',
        BAN_SYNC: 'yes',
      },
      { discord: true },
    ).discord;
    assert.equal(set.reconcile.everyMs, 90_000);
    assert.equal(set.push.port, 3002);
    assert.equal(set.dmMemberOnStaffAction, false);
    assert.equal(set.sync.bans, true);
    assert.equal(
      loadConfig({ ...production, RECONCILE_EVERY: '0' }, { discord: true }).discord.reconcile
        .everyMs,
      0,
      '0 turns it off',
    );
    const problems = configProblems(
      { ...production, RECONCILE_EVERY: 'often', RECONCILE_SHARE: '2' },
      { discord: true },
    );
    assert.deepEqual(names(problems), ['RECONCILE_EVERY', 'RECONCILE_SHARE']);
    assert.match(
      problems.find((p) => p.startsWith('RECONCILE_EVERY'))!,
      /such as 300000, 90s, 5m or 1h/,
    );
  });
});
