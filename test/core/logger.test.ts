import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/logger.js';

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

    logger.info({ apiKey, request: { headers: { authorization: `Bearer ${apiKey}` } } }, 'calling the CMS');
    logger.info({ config: { token, key: apiKey } }, 'starting');
    logger.error({ err: new Error(`request failed for key ${apiKey}`) }, `could not log in with ${token}`);
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
    logger.info({ password: 'hunter2', push: { key: 'some-other-community-key' }, headers: { authorization: 'Bot abc' } }, 'x');
    const line = JSON.parse(out.text()) as { password: string; push: { key: string }; headers: { authorization: string } };
    assert.deepEqual([line.password, line.push.key, line.headers.authorization], ['[redacted]', '[redacted]', '[redacted]']);
  });
});
