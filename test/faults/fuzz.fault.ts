import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ComponentType } from 'discord.js';
import { freePort } from '../../src/dev/redis-server.js';
import type { EmulatedMessage, InteractionHandle } from '../../src/dev/discord-emulator/index.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { deployCommands } from '../../src/discord/deploy.js';
import {
  garbageCustomId,
  malformedPush,
  malformedSlash,
  seededRandom,
  type PushCase,
} from './helpers/fuzz.js';
import type { NodeProcess } from '../../bench/node-process.js';
import { startWorld, type ProcessWorld } from '../../bench/process-world.js';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const PUSHES = 8_000;
const SLASHES = 240;
const BUTTONS = 75;
/**
 * RSS may grow this much (kB) from the warmed-up figure to the end: about 2.5 times what it
 * grows by (12 to 14 MB here), and less than keeping the bodies would take (the events carry
 * about 35 MB).
 */
const RSS_GROWTH_LIMIT_KB = 36 * 1024;
const { users, channels, guild } = SANDBOX_GUILD;
const MEMBERS = [users.officer, users.civilian, users.staff, users.unlinked];

/**
 * Bad input everywhere, against a real `npm start`: thousands of malformed push events (random
 * JSON shapes, wrong types, huge strings, bad keys, other content types, methods and paths) and
 * malformed interactions (unknown commands, missing and mistyped options, garbage custom ids).
 * Each gets a clear refusal, the process stays up, and its memory stays flat.
 */
describe(`fault: bad input everywhere (seed ${SEED}; FUZZ_SEED=${SEED} replays it)`, () => {
  let world: ProcessWorld;
  let bot: NodeProcess;
  let pushUrl: URL;
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const random = seededRandom(SEED);
  let bytesSent = 0;

  before(async () => {
    world = await startWorld({ cms: { windowMs: 2_000 } });
    const port = await freePort();
    bot = await world.spawnBot({
      PUSH_PORT: String(port),
      PUSH_HOST: '127.0.0.1',
      // The flood limit is tested elsewhere; here every request must reach the checks.
      PUSH_RATE_LIMIT_PER_MINUTE: '1000000',
    });
    pushUrl = new URL(`http://127.0.0.1:${port}/sonorancms/events`);
  });
  after(async () => {
    agent.destroy();
    await world.stop();
  });

  function send(push: PushCase): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          host: pushUrl.hostname,
          port: pushUrl.port,
          method: push.method,
          path: push.path,
          // Framed, whatever the method (a GET's body would otherwise go out unannounced).
          headers: {
            'content-length': String(Buffer.byteLength(push.body)),
            ...(push.contentType ? { 'content-type': push.contentType } : {}),
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', (error) =>
        reject(
          new Error(
            `${push.what} (${push.method} ${push.path}, ${push.contentType}): ${error.message}`,
          ),
        ),
      );
      req.end(push.body);
    });
  }

  /** Sends `count` malformed events, 16 at a time; answers each status seen with a count. */
  async function pushBatch(count: number): Promise<Map<number, number>> {
    const statuses = new Map<number, number>();
    let left = count;
    const lane = async () => {
      while (left > 0) {
        left -= 1;
        const push = malformedPush(random, world.cms.apiKey);
        bytesSent += push.body.length;
        const answer = await send(push);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        assert.ok(
          answer.status >= 400 && answer.status < 500,
          `${push.what} (${push.method} ${push.path}) got ${answer.status}: ${answer.body.slice(0, 200)}`,
        );
        const reason = JSON.parse(answer.body) as { error?: unknown; message?: unknown };
        const said = reason.error ?? reason.message;
        assert.ok(
          typeof said === 'string' && said.length > 0,
          `${push.what}: a reason, got ${answer.body}`,
        );
      }
    };
    await Promise.all(Array.from({ length: 16 }, lane));
    return statuses;
  }

  /**
   * The member's final answer: ephemeral, and no "error id" (nothing unexpected). A refusal in
   * words mostly; a command that can ignore what is wrong (an extra option) just runs.
   */
  async function refusal(
    handle: InteractionHandle,
    what: string,
    ephemeral = true,
  ): Promise<string> {
    const reply = await handle
      .reply((m) => !m.loading, 15_000)
      .catch((error: Error) => {
        throw new Error(`${what}: ${error.message}\n${bot.output().slice(-3000)}`);
      });
    if (ephemeral) assert.equal(reply.flags & 64, 64, `${what}: only the member sees it`);
    assert.ok(reply.content.length > 0 || reply.embeds.length > 0, `${what}: says something`);
    assert.doesNotMatch(reply.content, /error id/, `${what}: "${reply.content}"`);
    return reply.content || `(embed) ${reply.embeds[0]?.title ?? ''}`;
  }

  it('refuses every malformed push event and interaction clearly, stays up, and keeps its memory', async (t) => {
    // Interactions: the commands are taken back first, so the emulator sends whatever it is
    // given, as Discord would for a definition out of date with the bot.
    await withdrawCommands(world);
    const texts = new Map<string, number>();
    const slashWave = async () => {
      const handles = Array.from({ length: 20 }, () => {
        const input = malformedSlash(random, random.pick(MEMBERS), {
          users: [...MEMBERS, world.discord.botId],
          roles: Object.values(SANDBOX_GUILD.roles),
        });
        const handle = world.discord.slashCommand({
          guildId: guild,
          channelId: channels.general,
          ...input,
        });
        return { handle, what: JSON.stringify(input) };
      });
      for (const { handle, what } of handles) {
        const text = await refusal(handle, what);
        texts.set(text.slice(0, 60), (texts.get(text.slice(0, 60)) ?? 0) + 1);
      }
    };
    // Warmed up first (code paths loaded, caches filled): growth after that is what would leak.
    const statuses = await pushBatch(300);
    await slashWave();
    const rssBefore = await lowestRss(bot);

    for (const [status, count] of await pushBatch(PUSHES))
      statuses.set(status, (statuses.get(status) ?? 0) + count);
    for (let wave = 1; wave < SLASHES / 20; wave += 1) await slashWave();
    // Buttons on a message the bot posted long ago (or never): stale, forged and garbage ids.
    world.discord.setRateLimits({ channelMessages: false });
    const ids = [
      ...new Set(Array.from({ length: BUTTONS }, () => garbageCustomId(random, MEMBERS))),
    ];
    let message = await postWithButtons(world, ids.slice(0, 25));
    for (const [index, customId] of ids.entries()) {
      {
        // A click may have changed the message (a list's button clears them): post the rest anew.
        if (!hasButton(world.discord.message(message.id), customId))
          message = await postWithButtons(world, ids.slice(index, index + 25));
        const handle = world.discord.clickButton({
          user: random.pick(MEMBERS),
          message: message.id,
          customId,
        });
        // A list's own button updates the list's message (ephemeral where a list is shown).
        const text = await refusal(handle, `button ${JSON.stringify(customId)}`, false);
        texts.set(text.slice(0, 60), (texts.get(text.slice(0, 60)) ?? 0) + 1);
      }
    }

    const rssAfter = await lowestRss(bot);
    assert.equal(bot.child.exitCode, null, 'the bot is still running');
    // It still does its job: the real commands, registered again, work.
    await deployCommands({
      token: world.discord.token,
      clientId: world.discord.applicationId,
      guildId: guild,
      api: world.discord.apiUrl,
    });
    const status = world.discord.slashCommand({
      user: users.officer,
      guildId: guild,
      channelId: channels.general,
      name: 'clockin',
      subcommand: 'status',
    });
    const answer = await status.reply((m) => !m.loading, 15_000);
    assert.match(answer.embeds[0]?.title ?? answer.content, /duty/i);

    t.diagnostic(`push answers: ${JSON.stringify(Object.fromEntries(statuses))}`);
    t.diagnostic(`interaction answers: ${JSON.stringify(Object.fromEntries(texts), null, 1)}`);
    t.diagnostic(
      `bot RSS: ${rssBefore} kB after warm-up, ${rssAfter} kB after; ${Math.round(bytesSent / 1024)} kB of push bodies sent`,
    );
    if (rssBefore !== null && rssAfter !== null)
      assert.ok(
        rssAfter - rssBefore < RSS_GROWTH_LIMIT_KB,
        `RSS grew ${rssAfter - rssBefore} kB (${rssBefore} → ${rssAfter})`,
      );
    assert.deepEqual(
      world.discord.internalErrors,
      [],
      'the Discord emulator saw nothing it could not serve',
    );
  });
});

function hasButton(message: EmulatedMessage | null, customId: string): boolean {
  const rows = (message?.components ?? []) as { components?: { custom_id?: string }[] }[];
  return rows.some((row) => (row.components ?? []).some((c) => c.custom_id === customId));
}

/** Registers no commands in the guild (what deploy-commands would do with an empty list). */
async function withdrawCommands(world: ProcessWorld): Promise<void> {
  const { apiUrl, applicationId, token } = world.discord;
  const response = await fetch(
    `${apiUrl}/v10/applications/${applicationId}/guilds/${guild}/commands`,
    {
      method: 'PUT',
      headers: { authorization: `Bot ${token}`, 'content-type': 'application/json' },
      body: '[]',
    },
  );
  assert.equal(response.status, 200, await response.text());
}

/** Posts, with the bot's token, a message whose buttons carry these custom ids. */
async function postWithButtons(world: ProcessWorld, ids: string[]): Promise<EmulatedMessage> {
  const rows = [];
  for (let i = 0; i < ids.length; i += 5)
    rows.push({
      type: ComponentType.ActionRow,
      components: ids.slice(i, i + 5).map((customId, j) => ({
        type: ComponentType.Button,
        style: 1,
        label: `b${i + j}`,
        custom_id: customId,
      })),
    });
  const response = await fetch(
    `${world.discord.apiUrl}/v10/channels/${SANDBOX_GUILD.channels.general}/messages`,
    {
      method: 'POST',
      headers: { authorization: `Bot ${world.discord.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'An old message', components: rows }),
    },
  );
  assert.equal(response.status, 200, await response.clone().text());
  const { id } = (await response.json()) as { id: string };
  return world.discord.message(id)!;
}

/**
 * The lowest of ten RSS readings over two seconds: one reading moves by tens of MB with the
 * garbage collector's timing; the floor is what the process keeps.
 */
async function lowestRss(bot: NodeProcess): Promise<number | null> {
  const readings: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    const kb = bot.rssKb();
    if (kb === null) return null;
    readings.push(kb);
    await delay(200);
  }
  return Math.min(...readings);
}
