import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { isAllowedSender, parseAllowedSenders } from '../../src/events/cms/allowed-senders.js';
import { accountRemoved, send, startTestReceiver } from './push-helpers.js';

const event = (n: number) =>
  accountRemoved('ACCOUNT_KICKED', { accountId: `acc-${n}`, discordId: null });

describe('push receiver: floods', () => {
  it('refuses an address over PUSH_RATE_LIMIT_PER_MINUTE with 429, stores nothing more, logs once', async () => {
    const receiver = await startTestReceiver({ perAddressPerMinute: 3 });
    try {
      for (let n = 0; n < 3; n += 1)
        assert.equal((await send(receiver.url, { body: event(n) })).status, 200);
      for (let n = 3; n < 6; n += 1) {
        const answer = await send(receiver.url, { body: event(n) });
        assert.equal(answer.status, 429);
        assert.match(
          answer.body.error!,
          /^too many requests from this address; try again in \d+ s$/,
        );
        assert.ok(Number(answer.headers['retry-after']) > 0, 'Retry-After says when');
      }
      // Refused requests count too: a flood of bad keys is limited like any other.
      const badKey = await send(receiver.url, { body: { ...event(9), key: 'wrong-key' } });
      assert.equal(badKey.status, 429);
      assert.deepEqual(
        receiver.intake.seen.map(
          ({ observation }) => observation.kind === 'kicked' && observation.accId,
        ),
        ['acc-0', 'acc-1', 'acc-2'],
      );
      const warnings = receiver
        .logLines()
        .filter((line) => line.status === 429 && line.level === 40);
      assert.equal(warnings.length, 1, 'one warning for the flood, not one per request');
    } finally {
      await receiver.close();
    }
  });

  it('limits each address on its own: another address is still served', async () => {
    const receiver = await startTestReceiver({ perAddressPerMinute: 2 });
    try {
      for (let n = 0; n < 3; n += 1) await send(receiver.url, { body: event(n) });
      assert.equal((await send(receiver.url, { body: event(3) })).status, 429);
      const other = await send(receiver.url, { body: event(4), localAddress: '127.0.0.2' });
      assert.equal(other.status, 200);
      assert.equal(receiver.intake.seen.length, 3);
    } finally {
      await receiver.close();
    }
  });
});

describe('push receiver: PUSH_ALLOWED_IPS', () => {
  it('refuses a sender not on the list with 403 and stores nothing; serves one on it', async () => {
    const receiver = await startTestReceiver({ allowedSenders: parseAllowedSenders('127.0.0.2') });
    try {
      const refused = await send(receiver.url, { body: event(1) });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error, 'this address may not send push events');
      assert.equal(receiver.intake.seen.length, 0);
      assert.ok(
        receiver.logLines().some((line) => line.reason === 'sender not in PUSH_ALLOWED_IPS'),
      );
      const allowed = await send(receiver.url, { body: event(2), localAddress: '127.0.0.2' });
      assert.equal(allowed.status, 200);
      assert.equal(receiver.intake.seen.length, 1);
    } finally {
      await receiver.close();
    }
  });

  it('accepts a sender inside a listed CIDR range, IPv4-mapped IPv6 sockets included', async () => {
    const cases = [
      // On 127.0.0.1 the socket reports 127.0.0.1; on '::' it reports ::ffff:127.0.0.1.
      { host: '127.0.0.1', list: '10.0.0.0/8, 127.0.0.0/8' },
      { host: '::', list: '127.0.0.0/8' },
      { host: '::', list: '127.0.0.1' },
      { host: '127.0.0.1', list: '::ffff:127.0.0.1' },
      { host: '::', list: '::ffff:127.0.0.0/104' },
    ];
    for (const { host, list } of cases) {
      const receiver = await startTestReceiver({ host, allowedSenders: parseAllowedSenders(list) });
      try {
        const answer = await send(receiver.url, { body: event(1) });
        assert.equal(answer.status, 200, `listening on ${host}, list ${list}`);
      } finally {
        await receiver.close();
      }
    }
    const mappedOutside = await startTestReceiver({
      host: '::',
      allowedSenders: parseAllowedSenders('10.0.0.0/8'),
    });
    try {
      assert.equal((await send(mappedOutside.url, { body: event(1) })).status, 403);
    } finally {
      await mappedOutside.close();
    }
  });

  it('reads socket addresses in every form', () => {
    const list = parseAllowedSenders('192.168.1.0/24, 2001:db8::/32')!;
    assert.equal(isAllowedSender(list, '192.168.1.77'), true);
    assert.equal(isAllowedSender(list, '::ffff:192.168.1.77'), true);
    assert.equal(isAllowedSender(list, '::FFFF:192.168.1.77'), true);
    assert.equal(isAllowedSender(list, '192.168.2.1'), false);
    assert.equal(isAllowedSender(list, '2001:db8::5'), true);
    assert.equal(isAllowedSender(list, '2001:db9::5'), false);
    assert.equal(parseAllowedSenders(' , '), null, 'an empty list lets anyone send');
  });

  it('stops start-up with a ConfigError naming PUSH_ALLOWED_IPS for an entry that is not an address or range', () => {
    const env = {
      CMS_COMMUNITY_ID: 'community-123',
      CMS_API_KEY: 'secret-api-key-value',
      DISCORD_TOKEN: 'secret.discord.token',
      DISCORD_CLIENT_ID: '111111111111111111',
      DISCORD_GUILD_ID: '222222222222222222',
      AUDIT_CHANNEL_ID: '333333333333333333',
    };
    for (const bad of ['10.0.0.0/33', 'sonoran.example', '10.0.0.1/8/2', '::1/129', '10.0.0.0/']) {
      assert.throws(
        () => loadConfig({ ...env, PUSH_ALLOWED_IPS: `127.0.0.1, ${bad}` }, { discord: true }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.problems.length === 1 &&
          error.problems[0]!.startsWith('PUSH_ALLOWED_IPS: ') &&
          error.problems[0]!.includes(bad),
        bad,
      );
    }
    const config = loadConfig(
      { ...env, PUSH_ALLOWED_IPS: '203.0.113.0/24,2001:db8::1' },
      { discord: true },
    );
    const list = config.discord.push.allowedSenders!;
    assert.equal(isAllowedSender(list, '203.0.113.9'), true);
    assert.equal(isAllowedSender(list, '198.51.100.1'), false);
  });
});
