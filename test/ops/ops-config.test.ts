import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

const BOT_ENV = {
  CMS_COMMUNITY_ID: 'community',
  CMS_API_KEY: 'secret-api-key-value',
  DISCORD_TOKEN: 'secret.discord.token',
  DISCORD_CLIENT_ID: '111111111111111111',
  DISCORD_GUILD_ID: '222222222222222222',
  AUDIT_CHANNEL_ID: '333333333333333333',
};

describe('OPS_PORT and OPS_HOST', () => {
  it('are off by default, on loopback when set', () => {
    assert.deepEqual(loadConfig(BOT_ENV, { discord: true }).discord.ops, {
      port: null,
      host: '127.0.0.1',
    });
    assert.deepEqual(loadConfig({ ...BOT_ENV, OPS_PORT: '9464' }, { discord: true }).discord.ops, {
      port: 9464,
      host: '127.0.0.1',
    });
    assert.equal(
      loadConfig({ ...BOT_ENV, OPS_PORT: '9464', OPS_HOST: '0.0.0.0' }, { discord: true }).discord
        .ops.host,
      '0.0.0.0',
    );
  });

  it('refuse a port that is not one, or the push receiver’s', () => {
    assert.throws(
      () => loadConfig({ ...BOT_ENV, OPS_PORT: 'metrics' }, { discord: true }),
      (error: unknown) =>
        error instanceof ConfigError && error.problems.some((p) => p.startsWith('OPS_PORT:')),
    );
    assert.throws(
      () => loadConfig({ ...BOT_ENV, OPS_PORT: '3002', PUSH_PORT: '3002' }, { discord: true }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.includes(
          'OPS_PORT: must differ from PUSH_PORT (the metrics are not for push senders)',
        ),
    );
  });
});
