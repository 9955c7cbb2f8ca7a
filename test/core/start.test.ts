import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { commands } from '../../src/commands/index.js';
import { SETTING_NAMES } from '../../src/config.js';
import {
  startDiscordEmulator,
  type EmulatedMessage,
  type InteractionHandle,
} from '../../src/dev/discord-emulator/index.js';
import { SANDBOX_GUILD, sandboxGuild } from '../../src/dev/sandbox-guild.js';
import { holdingProxy } from '../helpers/holding-proxy.js';
import { startTestRedis } from '../helpers/redis.js';

const { users } = SANDBOX_GUILD;
const EPHEMERAL = 64;
const RESTARTING = /The bot is restarting\. Please try again in a minute\./;

/** Every setting `npm start` reads, empty: a developer's shell or .env must not fill any in. */
const UNSET = Object.fromEntries(SETTING_NAMES.map((name) => [name, '']));

/** `npm start` (src/index.ts) as a child process, with only the given settings. */
function spawnStart(env: Record<string, string>, command = [process.execPath, '--import', 'tsx']) {
  const [file, ...args] = command;
  const child = spawn(file!, [...args, ...(file === 'npm' ? [] : ['src/index.ts'])], {
    env: { ...process.env, ...UNSET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  const onData = () => {
    for (const waiter of waiters.filter((w) => w.test())) waiter.resolve();
  };
  child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), onData()));
  child.stderr.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), onData()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const lines = () =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; level: number });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => stdout + stderr,
    messages: () => lines().map((line) => line.msg),
    lines,
    exited,
    /** Resolves once the log has a line with this message; fails if the process exits first. */
    logged: (message: string | RegExp) =>
      new Promise<void>((resolve, reject) => {
        const test = () =>
          lines().some((line) =>
            typeof message === 'string' ? line.msg === message : message.test(line.msg),
          );
        if (test()) return resolve();
        waiters.push({ test, resolve });
        void exited.then(([code]) =>
          reject(
            new Error(`exited (${code}) before logging ${String(message)}:\n${stdout}${stderr}`),
          ),
        );
      }),
  };
}

/** The reply once it is a result: not "thinking…", not a queued notice. */
const final = (handle: InteractionHandle) =>
  handle.reply((m: EmulatedMessage) => !m.content.startsWith('⏳'), 20_000);

describe('npm start with SANDBOX=true', () => {
  it('runs the bot on a built-in CMS emulator, registers its commands, makes accounts, and drains on SIGTERM', async () => {
    const redis = await startTestRedis({ persist: false });
    const discord = await startDiscordEmulator({ guilds: [sandboxGuild()] });
    const proxy = await holdingProxy(discord.apiUrl);
    const bot = spawnStart({
      SANDBOX: 'true',
      LOG_LEVEL: 'info',
      REDIS_URL: redis.url,
      DISCORD_TOKEN: discord.token,
      DISCORD_CLIENT_ID: discord.applicationId,
      DISCORD_GUILD_ID: SANDBOX_GUILD.guild,
      AUDIT_CHANNEL_ID: SANDBOX_GUILD.channels.audit,
      DISCORD_API_URL: proxy.apiUrl,
    });
    const slash = (user: string) =>
      discord.slashCommand({
        user,
        guildId: SANDBOX_GUILD.guild,
        channelId: SANDBOX_GUILD.channels.general,
        name: 'clockin',
        subcommand: 'status',
      });
    try {
      await bot.logged('bot ready');
      assert.ok(
        bot.messages().includes('SANDBOX: CMS calls go to the built-in CMS emulator'),
        bot.output(),
      );
      assert.deepEqual(
        discord
          .registeredCommands(SANDBOX_GUILD.guild)
          .map((c) => c.name)
          .sort(),
        commands.map((c) => c.data.name).sort(),
        'every command, registered in DISCORD_GUILD_ID at start',
      );

      // A member with no CMS account gets one made on first use, and the reply says so.
      const first = await final(slash(users.unlinked));
      assert.equal(first.flags & EPHEMERAL, EPHEMERAL);
      assert.match(
        first.content,
        /🧪 Sandbox: you had no CMS account, so one was made for you \(\*\*newcomer\.mia\*\*\) in the built-in CMS emulator\./,
      );
      assert.match(first.content, /You are off duty, newcomer\.mia/);
      const again = await final(slash(users.unlinked));
      assert.doesNotMatch(again.content, /Sandbox:/, 'made once: the second time it is linked');
      assert.match(again.content, /You are off duty, newcomer\.mia/);

      // SIGTERM while an interaction is under way: its answer is held at "Discord" until the
      // test has seen what a later interaction gets.
      let inFlightToken = '';
      const hold = proxy.hold(
        (method, path) =>
          method === 'PATCH' && inFlightToken !== '' && path.includes(`/${inFlightToken}/`),
      );
      const inFlight = slash(users.officer);
      inFlightToken = inFlight.token;
      await inFlight.acknowledged();
      await hold.held; // the bot has its result and is sending it
      bot.child.kill('SIGTERM');
      await bot.logged(/^stopping (the )?bot$/);

      // Shutdown has begun but the gateway stays open while the bot drains: a new interaction
      // is refused in words, at once.
      const late = slash(users.civilian);
      const refused = await late.reply();
      assert.match(refused.content, RESTARTING);
      assert.equal(refused.flags & EPHEMERAL, EPHEMERAL);
      assert.equal(late.acknowledgedWith, 4, 'answered directly, not deferred');
      assert.equal(bot.child.exitCode, null, 'still draining: the held answer is not through');

      hold.release();
      const [code] = await bot.exited;
      assert.equal(code, 0, bot.output());
      const answer = inFlight.current();
      assert.ok(answer && !answer.loading, 'the interaction under way got a final answer');
      assert.ok(
        /🟢 On duty, Daniel Park/.test(answer.embeds[0]?.title ?? '') ||
          RESTARTING.test(answer.content),
        `its result, or the restarting notice: ${JSON.stringify(answer)}`,
      );
      // Stopped: the gateway session is gone, so Discord has no one to deliver to.
      assert.throws(() => slash(users.civilian), /no bot session on the gateway/);
      assert.deepEqual(
        bot.lines().filter((line) => line.level >= 50),
        [],
        'no error on the way down',
      );
      assert.doesNotMatch(bot.output(), new RegExp(discord.token.replace(/\./g, '\\.')));
    } finally {
      if (bot.child.exitCode === null) {
        bot.child.kill('SIGKILL');
        await bot.exited;
      }
      await proxy.close();
      await discord.close();
      await redis.stop();
    }
  });

  it('names a missing Discord setting in one message and exits 1, printing no secret', async () => {
    const token = 'MTEwMDAwMDAwMDAwMDAwMDAwMg.secret-discord-token-value';
    const start = spawnStart(
      {
        SANDBOX: 'true',
        REDIS_URL: 'redis://:hidden-redis-pass@127.0.0.1:6390',
        DISCORD_TOKEN: token,
        DISCORD_GUILD_ID: SANDBOX_GUILD.guild,
        AUDIT_CHANNEL_ID: SANDBOX_GUILD.channels.audit,
      },
      ['npm', 'run', '--silent', 'start'],
    );
    const [code] = await start.exited;
    assert.equal(code, 1, start.output());
    assert.equal(
      start.stderr(),
      'Configuration is invalid (check your environment or .env file):\n  - DISCORD_CLIENT_ID: is required\n',
    );
    assert.equal(start.stdout(), '', 'nothing else: no log line, no stack');
    assert.doesNotMatch(start.output(), /secret-discord-token|hidden-redis-pass/);
  });
});
