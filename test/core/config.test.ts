import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, readDotEnv } from '../../src/config.js';

const production = {
  CMS_COMMUNITY_ID: 'community-123',
  CMS_API_KEY: 'secret-api-key-value',
  DISCORD_TOKEN: 'secret.discord.token',
  DISCORD_CLIENT_ID: '111111111111111111',
  DISCORD_GUILD_ID: '222222222222222222',
  AUDIT_CHANNEL_ID: '333333333333333333',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  it('reads a complete environment, with defaults for the rest', () => {
    const config = loadConfig(production);
    assert.equal(config.cms.baseUrl, 'https://api.sonorancms.com');
    assert.equal(config.cms.apiKey, 'secret-api-key-value');
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
    assert.deepEqual(config.secrets, ['secret-api-key-value', 'secret.discord.token']);
    assert.deepEqual(config.pacing, { windowMs: 60_000, marginMs: 1_000, interactiveReserve: 0.1, maxAttempts: 4, retryBaseMs: 1_000, jobLockMs: 30_000 });
    assert.equal(config.discord?.auditChannelId, '333333333333333333');
    assert.equal(config.sandbox, false);
  });

  it('lists every missing variable in one error', () => {
    const problems = problemsOf({});
    assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), [
      'AUDIT_CHANNEL_ID',
      'CMS_API_KEY',
      'CMS_COMMUNITY_ID',
      'DISCORD_CLIENT_ID',
      'DISCORD_GUILD_ID',
      'DISCORD_TOKEN',
    ]);
    assert.ok(problems.every((p) => p.endsWith('is required')));
  });

  it('treats an empty value as missing and names each invalid one', () => {
    const problems = problemsOf({
      ...production,
      CMS_API_KEY: '',
      REDIS_URL: 'http://localhost:6379',
      CMS_TIMEOUT_MS: 'soon',
      DISCORD_GUILD_ID: 'my-guild',
      LOG_LEVEL: 'loud',
      CMS_V1_LIMITS: 'v1.kickAccount=5,v1.nothing=3,banAccount',
    });
    const byName = Object.fromEntries(problems.map((p) => [p.split(':')[0], p]));
    assert.match(byName.CMS_API_KEY!, /is required/);
    assert.match(byName.REDIS_URL!, /redis:\/\//);
    assert.ok(byName.CMS_TIMEOUT_MS);
    assert.match(byName.DISCORD_GUILD_ID!, /Discord id/);
    assert.ok(byName.LOG_LEVEL);
    assert.ok(problems.some((p) => /v1\.nothing.*not a v1 operation/.test(p)));
    assert.ok(problems.some((p) => /"banAccount" is not of the form/.test(p)));
  });

  it('never puts a secret value in its message', () => {
    const env = { ...production, CMS_TIMEOUT_MS: 'x', DISCORD_TOKEN: 'short', CMS_API_KEY: 'secret-api-key-value', REDIS_URL: 'ftp://secret-api-key-value' };
    const error = (() => {
      try {
        loadConfig(env);
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    assert.ok(error);
    assert.doesNotMatch(error.message, /secret-api-key-value/);
    assert.match(error.message, /REDIS_URL/);
  });

  it('needs no Discord settings in the sandbox, and parses v1 limit overrides', () => {
    const config = loadConfig({ SANDBOX: 'true', CMS_COMMUNITY_ID: 'c', CMS_API_KEY: 'k', CMS_V1_LIMITS: 'v1.kickAccount=5, v1.banAccount=6', CMS_RATE_WINDOW_MS: '6000' });
    assert.equal(config.sandbox, true);
    assert.equal(config.discord, null);
    assert.deepEqual(config.cms.v1Limits, { 'v1.kickAccount': 5, 'v1.banAccount': 6 });
    assert.equal(config.pacing.marginMs, 100, 'the margin scales with a compressed window');
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
});
