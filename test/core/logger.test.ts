import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config.js';
import { startLocalRedis, type LocalRedis } from '../../src/dev/redis-server.js';
import { createLogger, displayUrl } from '../../src/logger.js';
import { redisHealth } from '../../src/redis-health.js';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('logger', () => {
  it('redacts the CMS API key, the Discord token and Authorization headers', () => {
    const out = capture();
    const apiKey = 'cms-key-0123456789abcdef';
    const token = 'MTIzNDU2.discord.token.value';
    const logger = createLogger({ destination: out.stream, secrets: [apiKey, token] });

    logger.info(
      { apiKey, request: { headers: { authorization: `Bearer ${apiKey}` } } },
      'calling the CMS',
    );
    logger.info({ config: { token, key: apiKey } }, 'starting');
    logger.error(
      { err: new Error(`request failed for key ${apiKey}`) },
      `could not log in with ${token}`,
    );
    logger.warn({ body: JSON.stringify({ id: 'c', key: apiKey }) }, 'v1 body');

    const text = out.text();
    assert.equal(text.split('\n').filter(Boolean).length, 4, 'every line was written');
    assert.doesNotMatch(text, /cms-key-0123456789abcdef/);
    assert.doesNotMatch(text, /MTIzNDU2\.discord\.token\.value/);
    assert.doesNotMatch(text, /Bearer/);
    assert.match(text, /\[redacted\]/);
    assert.match(text, /calling the CMS/);
    assert.match(text, /request failed for key \[redacted\]/, 'the rest of the message survives');
  });

  it('redacts credential-named fields even when their value is not a known secret', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream });
    logger.info(
      {
        password: 'hunter2',
        push: { key: 'some-other-community-key' },
        headers: { authorization: 'Bot abc' },
      },
      'x',
    );
    const line = JSON.parse(out.text()) as {
      password: string;
      push: { key: string };
      headers: { authorization: string };
    };
    assert.deepEqual(
      [line.password, line.push.key, line.headers.authorization],
      ['[redacted]', '[redacted]', '[redacted]'],
    );
  });

  it('scrubs the credentials of every URL it writes, known secret or not', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream });
    logger.info(
      { redis: 'redis://worker:pw1@10.1.2.3:6379/0', hook: 'https://tok3n@example.org/x' },
      'connecting to rediss://:p%40ss@cache:6380 and http://plain.example.org/a@b',
    );
    const text = out.text();
    assert.doesNotMatch(text, /pw1|tok3n|p%40ss/);
    assert.match(
      text,
      /redis:\/\/worker:\[redacted\]@10\.1\.2\.3:6379\/0/,
      'the user and the host stay readable',
    );
    assert.match(text, /rediss:\/\/:\[redacted\]@cache:6380/);
    assert.match(text, /https:\/\/\[redacted\]@example\.org\/x/);
    assert.match(text, /http:\/\/plain\.example\.org\/a@b/, 'an @ in a path is not a credential');
    assert.equal(displayUrl('redis://u:secret@h:1'), 'redis://u:[redacted]@h:1');
    assert.equal(displayUrl('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379');
  });
});

/** The case: ioredis's AUTH failure carries the password in `command.args`. */
describe('logger, with a password-protected Redis', () => {
  let redis: LocalRedis;
  before(async () => {
    redis = await startLocalRedis({ persist: false, password: 'the-right-password' });
  });
  after(() => redis.stop());

  it('prints no password anywhere when AUTH fails', async (t) => {
    if (!redis.owned) return t.skip('needs redis-server on the PATH');
    const port = new URL(redis.url).port;
    // A long password (scrubbed as a known secret too) and a short one (only the structural rules apply).
    for (const password of ['wrong-password-4567', 'pw9']) {
      const config = loadConfig({
        SANDBOX: 'true',
        REDIS_URL: `redis://default:${password}@127.0.0.1:${port}`,
      });
      assert.ok(config.secrets.includes(password), 'the REDIS_URL password is one of the secrets');
      const out = capture();
      const logger = createLogger({ destination: out.stream, secrets: config.secrets });
      redisHealth(logger, config.redisUrl);
      const connection = new Redis(config.redisUrl, {
        lazyConnect: true,
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
      });
      redisHealth(logger, config.redisUrl).watch(connection, 'test');
      const failed = once(connection, 'error') as Promise<
        [Error & { command?: { args: string[] } }]
      >;
      connection.connect().catch(() => {});
      const [error] = await failed;
      connection.disconnect();
      assert.deepEqual(
        error.command?.args,
        ['default', password],
        'ioredis put the password in the error',
      );

      logger.error({ err: error, url: config.redisUrl }, `could not use ${config.redisUrl}`);
      logger.warn({ nested: { err: error } }, 'again, one level down');
      const text = out.text();
      assert.match(text, /WRONGPASS/, 'the failure itself is logged');
      assert.match(
        text,
        /refused the credentials \(WRONGPASS\); check the user and password in REDIS_URL/,
      );
      assert.match(text, /redis:\/\/default:\[redacted\]@127\.0\.0\.1/);
      assert.ok(!text.includes(password), `"${password}" appears in:\n${text}`);
    }
  });
});
