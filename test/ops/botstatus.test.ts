import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PermissionFlagsBits } from 'discord.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';

const { users } = SANDBOX_GUILD;
const EPHEMERAL = 64;
/** A compressed CMS window keeps the reconciliation pass, paced by it, short. */
const WINDOW_MS = 5_000;

describe('/botstatus', () => {
  let harness: BotHarness;

  before(async () => {
    // No OPS_PORT: staff see the status whether or not the ops endpoints are served.
    harness = await startBotHarness({
      cms: { windowMs: WINDOW_MS },
      env: { RECONCILE_EVERY: '1h' },
      bot: { reconcileOnTimer: false },
    });
  });
  after(() => harness.stop());

  it('is registered guild-only, shown to server managers', () => {
    const command = harness.discord
      .registeredCommands(SANDBOX_GUILD.guild)
      .find((c) => c.name === 'botstatus');
    assert.ok(command, '/botstatus is registered');
    assert.equal(command.default_member_permissions, String(PermissionFlagsBits.ManageGuild));
    assert.deepEqual(command.contexts, [0]);
  });

  it('refuses a member who is not staff, privately', async () => {
    const reply = await harness.slash({ user: users.officer, name: 'botstatus' }).reply();
    assert.match(reply.content, /Only staff can see the bot status/);
    assert.equal(reply.flags & EPHEMERAL, EPHEMERAL);
    assert.equal(reply.embeds.length, 0);
  });

  it('shows staff the checks, the queue, the budget, the audit backlog, the last pass, the version and uptime', async () => {
    const pass = await harness.bot.reconciler!.runPass();
    assert.equal(pass.status, 'done');

    // Maria Reyes has Ban and Kick Members, not Manage Server: the bot takes any staff.
    const reply = await harness
      .slash({ user: users.staff, name: 'botstatus' })
      .reply((m) => m.embeds.length > 0);
    assert.equal(reply.flags & EPHEMERAL, EPHEMERAL, 'only the staff member sees it');
    const embed = reply.embeds[0]!;
    const field = (name: string) => embed.fields?.find((f) => f.name === name)?.value ?? '';
    assert.equal(embed.title, 'Bot status: ready');
    assert.match(field('Checks'), /✅ \*\*Redis\*\*: PING answered/);
    assert.match(field('Checks'), /✅ \*\*Discord\*\*: gateway connected/);
    assert.match(field('Checks'), /✅ \*\*Sonoran CMS\*\*: not paused/);
    assert.match(field('CMS queue'), /Empty: no CMS call is waiting|waiting/);
    // The pass read every account and some details: those sends are in the window.
    assert.match(field('CMS budget in use (this window)'), /`getAccounts?`: \d+ of \d+/);
    assert.match(
      field('Audit backlog'),
      /^\d+ notices waiting for their channel; \d+ observations waiting to be compared$/,
    );
    assert.equal(pass.status === 'done' && pass.accounts > 0, true);
    assert.match(
      field('Reconciler'),
      new RegExp(
        `^Every 1 h 00 min\\. Last pass ended <t:\\d+:R> and took \\d+ s, ${pass.status === 'done' ? pass.accounts : 0} accounts \\(\\d+ read in detail\\)\\.$`,
      ),
    );
    assert.match(field('Bot'), /^Version 0\.1\.0, up \d+ s \(since <t:\d+:f>\)$/);
  });
});
