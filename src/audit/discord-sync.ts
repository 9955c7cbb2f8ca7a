import { PermissionFlagsBits, RESTJSONErrorCodes, type Client } from 'discord.js';
import type { DiscordConfig } from '../config.js';
import { botMemberOf, fetchMemberOrNull, outranks } from '../discord/staff-checks.js';
import type { Logger } from '../logger.js';
import type { ActionOutcome } from './audit-events.js';

/**
 * Ban and kick sync (BAN_SYNC, KICK_SYNC; off by default): a ban or kick made in the CMS (found
 * by a push event or the reconciler) is mirrored in Discord, under the checks /ban and /kick
 * apply to the bot (its permission, its role above the member's, never the owner). A member
 * Discord already bans (Sonoran's own bot syncs bans too) is left alone, so two bots never
 * answer each other. Answers what was done, for the notice, or null when sync is off.
 */
export function discordSync(client: Client, config: DiscordConfig, logger: Logger) {
  return async (change: 'banned' | 'kicked', discordId: string): Promise<ActionOutcome | null> => {
    const action = change === 'banned' ? 'ban' : 'kick';
    if (action === 'ban' ? !config.sync.bans : !config.sync.kicks) return null;
    try {
      const guild = await client.guilds.fetch(config.guildId);
      const bot = await botMemberOf(guild);
      const permission =
        action === 'ban' ? PermissionFlagsBits.BanMembers : PermissionFlagsBits.KickMembers;
      if (!bot.permissions.has(permission))
        return {
          status: 'skipped',
          detail: `the bot lacks the ${action === 'ban' ? 'Ban' : 'Kick'} Members permission`,
        };
      if (discordId === guild.ownerId)
        return { status: 'skipped', detail: 'the member owns the server' };
      if (action === 'ban' && (await alreadyBanned(client, config.guildId, discordId)))
        return { status: 'skipped', detail: 'already banned in Discord' };
      const member = await fetchMemberOrNull(guild, discordId);
      if (!member) {
        if (action === 'kick') return { status: 'skipped', detail: 'not a member of the server' };
      } else if (!outranks(guild, bot, member)) {
        return { status: 'skipped', detail: "the member's highest role is not below the bot's" };
      }
      const reason = `${action === 'ban' ? 'Banned' : 'Kicked'} in Sonoran CMS (${action} sync)`;
      if (action === 'ban') await guild.members.ban(discordId, { reason });
      else await member!.kick(reason);
      return { status: 'done', detail: `${action === 'ban' ? 'banned' : 'kicked'} in Discord too` };
    } catch (error) {
      logger.warn({ err: error, change, member: discordId }, `${action} sync failed`);
      return {
        status: 'failed',
        detail: `Discord refused or could not be reached (${(error as { code?: unknown }).code ?? 'error'})`,
      };
    }
  };
}

async function alreadyBanned(client: Client, guildId: string, userId: string): Promise<boolean> {
  try {
    await (await client.guilds.fetch(guildId)).bans.fetch({ user: userId, force: true });
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === RESTJSONErrorCodes.UnknownBan) return false;
    throw error;
  }
}
