import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EmulatedMessage } from '../../src/dev/discord-emulator/index.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';

const { channels, roles, guild: guildId } = SANDBOX_GUILD;

describe('ban and kick sync', () => {
  let harness: BotHarness;
  let serial = 0;

  before(async () => {
    harness = await startBotHarness({ push: true, env: { BAN_SYNC: 'true', KICK_SYNC: 'true' } });
  });
  after(() => harness.stop());

  /** A guild member linked to a new CMS account. */
  function member(extraRoles: string[] = []) {
    serial += 1;
    const id = `99000000000008${String(serial).padStart(4, '0')}`;
    harness.discord.addMember({
      id,
      username: `sync${serial}`,
      roles: [roles.member, ...extraRoles],
    });
    const account = harness.cms.community.createAccount({
      username: `sync${serial}`,
      discordId: id,
    });
    return { id, accId: account.accId };
  }

  async function panel(accId: string, action: 'ban' | 'kick'): Promise<EmulatedMessage> {
    await fetch(`${harness.cms.url}/__emulator/accounts/${accId}/${action}`, { method: 'POST' });
    return harness.discord.waitForMessage(channels.audit, (m) =>
      m.embeds.some(
        (e) =>
          e.fields?.some((f) => f.name === 'Discord (sync)' && f.value.length > 0) &&
          JSON.stringify(e).includes(accId),
      ),
    );
  }

  const syncLine = (message: EmulatedMessage, accId: string) =>
    message.embeds
      .find((e) => JSON.stringify(e).includes(accId))!
      .fields!.find((f) => f.name === 'Discord (sync)')!.value;

  it('bans in Discord a member banned in the CMS panel', async () => {
    const { id, accId } = member();
    const notice = await panel(accId, 'ban');
    assert.match(syncLine(notice, accId), /Done: banned in Discord too/);
    assert.ok(harness.discord.bans(guildId).some((ban) => ban.userId === id));
  });

  it('kicks in Discord a member kicked in the CMS panel', async () => {
    const { id, accId } = member();
    const notice = await panel(accId, 'kick');
    assert.match(syncLine(notice, accId), /Done: kicked in Discord too/);
    assert.ok(harness.discord.kicks.some((kick) => kick.userId === id));
  });

  it('leaves alone a member Discord already bans (another bot synced first): no echo loop', async () => {
    const { id, accId } = member();
    await harness.bot.client.guilds.cache
      .get(guildId)!
      .members.ban(id, { reason: "Sonoran's own bot" });
    const bansBefore = harness.discord.bans(guildId).filter((ban) => ban.userId === id).length;
    const notice = await panel(accId, 'ban');
    assert.match(syncLine(notice, accId), /Skipped: already banned in Discord/);
    assert.equal(
      harness.discord.bans(guildId).filter((ban) => ban.userId === id).length,
      bansBefore,
    );
  });

  it("applies /ban's hierarchy check: a member above the bot is not touched", async () => {
    const { id, accId } = member([roles.admin]);
    const notice = await panel(accId, 'ban');
    assert.match(
      syncLine(notice, accId),
      /Skipped: the member's highest role is not below the bot's/,
    );
    assert.ok(!harness.discord.bans(guildId).some((ban) => ban.userId === id));
  });
});
