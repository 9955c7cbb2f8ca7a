import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiscordAPIError, HTTPError } from 'discord.js';
import { CmsError } from '../../src/cms/errors.js';
import { discordUnavailable } from '../../src/discord/discord-unavailable.js';

const request = { body: undefined, files: undefined };
const apiError = (status: number, code: number) =>
  new DiscordAPIError({ code, message: 'x' }, code, status, 'POST', '/interactions/x', request);

describe('telling a Discord outage from other failures', () => {
  it("takes Discord's 5xx, timeouts and failed connections as Discord being unavailable", () => {
    assert.equal(discordUnavailable(apiError(503, 0)), true);
    assert.equal(
      discordUnavailable(
        new HTTPError(502, 'Bad Gateway', 'POST', '/channels/1/messages', request),
      ),
      true,
    );
    assert.equal(
      discordUnavailable(Object.assign(new Error('aborted'), { name: 'AbortError' })),
      true,
    );
    const refused = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    assert.equal(discordUnavailable(refused), true);
  });

  it('does not take a refusal, a CMS failure or a Redis failure for one', () => {
    // Interaction has already been acknowledged: a refusal, not an outage.
    assert.equal(discordUnavailable(apiError(400, 40060)), false);
    const cmsDown = new CmsError({
      kind: 'network',
      operation: 'getAccount',
      code: 'ECONNREFUSED',
      message: 'could not reach the CMS: connect ECONNREFUSED 127.0.0.1:1',
    });
    assert.equal(discordUnavailable(cmsDown), false);
    const redisDown = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
      code: 'ECONNREFUSED',
    });
    assert.equal(discordUnavailable(redisDown), false);
  });
});
