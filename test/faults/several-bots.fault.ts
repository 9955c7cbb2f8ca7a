import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';
import type { CmsEmulator } from '../../src/cms/emulator/server.js';
import type { EmulatedMessage, InteractionHandle } from '../../src/dev/discord-emulator/index.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { holdingProxy } from '../helpers/holding-proxy.js';
import { assertPacingHeld } from './helpers/checks.js';
import type { NodeProcess } from '../../bench/node-process.js';
import { startWorld, type ProcessWorld } from '../../bench/process-world.js';

const { users, guild: guildId, channels } = SANDBOX_GUILD;
const final = (m: EmulatedMessage) => !m.loading && !m.content.startsWith('⏳');

/** Requests the CMS emulator received for one operation (twins are metered together). */
function sent(cms: CmsEmulator, operation: string): number {
  return cms.limiter
    .stats()
    .reduce((sum, row) => sum + (row.requestsByOperation[operation] ?? 0), 0);
}

/** One acknowledgement, accepted: the other process never tried (no refused callback). */
function answeredOnce(handle: InteractionHandle): void {
  const callbacks = handle.responses.filter((r) => r.kind === 'callback');
  const what = handle.commandName ?? 'a button';
  assert.equal(callbacks.length, 1, `one callback for ${what}: ${JSON.stringify(callbacks)}`);
  assert.ok(callbacks[0]!.status < 300, `${what}: ${JSON.stringify(callbacks[0]!.error)}`);
}

/**
 * Two bot processes on one token, one guild and one Redis (a rolling deploy's overlap, or a
 * second replica), with a worker process beside them. Discord delivers every interaction to
 * both gateway sessions: one process handles each, the other leaves it alone, and a process
 * that is shutting down gives way to the one that is not.
 */
describe('fault: two bot processes on one token', () => {
  let world: ProcessWorld;
  let first: NodeProcess;
  let second: NodeProcess;
  let proxy: Awaited<ReturnType<typeof holdingProxy>>;

  before(async () => {
    world = await startWorld({ cms: { windowMs: 2_000, blockSeconds: 3600 } });
    proxy = await holdingProxy(world.discord.apiUrl);
    [first, second] = await Promise.all([
      // Bot A talks to Discord's REST API through a proxy that can hold its answers back.
      world.spawnBot({ DISCORD_API_URL: proxy.apiUrl }, 'bot A'),
      world.spawnBot({}, 'bot B'),
    ]);
    await world.spawnWorker();
  });
  after(async () => {
    await world?.stop();
    await proxy?.close();
  });

  const slash = (user: string, name: string, extra: object = {}) =>
    world.discord.slashCommand({ user, guildId, channelId: channels.general, name, ...extra });

  it('handles each command and button once, in one process', async () => {
    world.cms.community.closeOpenClock(SANDBOX_MEMBERS.officer);
    const handles = [
      slash(users.officer, 'clockin', { subcommand: 'in' }),
      slash(users.firefighter, 'clockin', { subcommand: 'status' }),
      slash(users.civilian, 'whitelist', { subcommand: 'check' }),
      slash(users.unlinked, 'clockin', { subcommand: 'status' }),
    ];
    const replies = await Promise.all(handles.map((h) => h.reply(final, 20_000)));
    assert.match(replies[0]!.embeds[0]?.title ?? '', /^🟢 Clocked in/);
    assert.equal(sent(world.cms, 'clockAccount'), 1, 'one clock-in sent');

    const kick = slash(users.staff, 'kick', {
      options: { member: users.dispatcher, reason: 'Two bots test' },
    });
    const confirmation = await kick.reply(final, 20_000);
    const confirm = (
      confirmation.components as { components: { custom_id: string }[] }[]
    )[0]!.components.find((b) => b.custom_id.split(':')[1] === 'confirm')!.custom_id;
    const click = world.discord.clickButton({
      user: users.staff,
      message: kick,
      customId: confirm,
    });
    const result = await click.reply((m) => m.content.startsWith('**Case #'), 20_000);
    assert.match(result.content, /\*\*Discord:\*\* ✅/);
    assert.match(result.content, /\*\*Sonoran CMS:\*\* ✅/);
    assert.equal(world.discord.kicks.filter((k) => k.userId === users.dispatcher).length, 1);
    assert.equal(sent(world.cms, 'v1.kickAccount'), 1, 'one CMS kick sent');

    for (const handle of [...handles, kick, click]) answeredOnce(handle);
    for (const bot of [first, second])
      assert.deepEqual(
        bot
          .lines()
          .filter((line) => line.level >= 50)
          .map((line) => line.msg),
        [],
        `${bot.name} logged no error`,
      );
    assertPacingHeld(world.cms);
  });

  it('answers through the other process while one shuts down', async () => {
    // Bot A's answers wait at the proxy: the first command A takes keeps it draining, and its
    // gateway open, for as long as the test needs.
    const hold = proxy.hold((method, path) => method === 'PATCH' && path.includes('/webhooks/'));
    const owned: InteractionHandle[] = [];
    let heldOne = false;
    void hold.held.then(() => (heldOne = true));
    for (let tries = 0; !heldOne && tries < 30; tries += 1) {
      const handle = slash(users.firefighter, 'clockin', { subcommand: 'status' });
      owned.push(handle);
      await Promise.race([hold.held, handle.reply(final, 20_000)]);
    }
    assert.ok(heldOne, 'bot A took one of the commands');

    const stopping = first.stop();
    await first.logged(/^stopping /);
    const handles = [
      slash(users.officer, 'clockin', { subcommand: 'status' }),
      slash(users.civilian, 'whitelist', { subcommand: 'check' }),
    ];
    const replies = await Promise.all(handles.map((h) => h.reply(final, 20_000)));
    assert.match(replies[0]!.embeds[0]?.title ?? replies[0]!.content, /duty/i);
    assert.match(replies[1]!.content, /whitelisted/i);
    // A saw them while it was draining, and left them to B instead of saying "restarting".
    for (const handle of handles)
      await first.logged(
        (line) =>
          line.msg === 'stopping: another bot process took this interaction' &&
          line.interaction === handle.id,
      );

    hold.release();
    await Promise.all(owned.map((handle) => handle.reply(final, 20_000)));
    for (const handle of [...handles, ...owned]) answeredOnce(handle);
    await stopping;
    assert.equal(first.child.exitCode, 0, 'bot A stopped cleanly');
  });
});
