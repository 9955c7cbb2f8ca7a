import {
  DiscordAPIError,
  HTTPError,
  RESTJSONErrorCodes,
  RateLimitError,
  type Guild,
} from 'discord.js';
import type { Logger } from '../logger.js';
import { deletionText, WORDS, type HalfResult, type StaffCase } from './staff-action.js';

/** Discord's audit log reason: who did it and the case, within Discord's 512 characters. */
function auditLogReason(c: StaffCase): string {
  const suffix = ` (case #${c.caseNumber}, by ${c.staff.tag})`;
  return `${c.reason.slice(0, 512 - suffix.length)}${suffix}`;
}

/** Why a Discord request failed, in words for staff, and whether trying again may work. */
export function discordFailure(error: unknown): { detail: string; transient: boolean } {
  if (error instanceof DiscordAPIError) {
    if (error.status >= 500 || error.status === 429)
      return { detail: `Discord answered with an error (${error.status})`, transient: true };
    if (error.code === RESTJSONErrorCodes.MissingPermissions)
      return {
        detail: 'Discord refused: the bot lacks the permission, or its role is not above theirs',
        transient: false,
      };
    if (
      error.code === RESTJSONErrorCodes.UnknownMember ||
      error.code === RESTJSONErrorCodes.UnknownUser
    )
      return { detail: 'they are not in the server', transient: false };
    return { detail: `Discord refused it (${error.code}: ${error.message})`, transient: false };
  }
  if (error instanceof HTTPError)
    return { detail: `Discord answered with a server error (${error.status})`, transient: true };
  if (error instanceof RateLimitError)
    return { detail: 'Discord asked the bot to slow down', transient: true };
  return { detail: 'Discord could not be reached', transient: true };
}

/**
 * The Discord half of a case: the ban (with its message deletion) or the kick. Never throws:
 * a failure is an outcome, marked for retry when another attempt may work. Both are safe to
 * repeat: a second ban changes nothing, and a kick finds the member already gone.
 */
export async function applyInDiscord(
  guild: Guild,
  c: StaffCase,
  logger: Logger,
): Promise<HalfResult> {
  try {
    if (c.action === 'ban') {
      await guild.members.ban(c.target.id, {
        reason: auditLogReason(c),
        deleteMessageSeconds: c.deleteMessageSeconds,
      });
      const deleted = deletionText(c.deleteMessageSeconds);
      return {
        outcome: { status: 'done', ...(deleted ? { detail: `${deleted} were deleted` } : {}) },
        retry: false,
      };
    }
    await guild.members.kick(c.target.id, auditLogReason(c));
    return { outcome: { status: 'done' }, retry: false };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // The kick's aim (out of the server) holds: they left, or an earlier attempt got through.
    if (c.action === 'kick' && code === RESTJSONErrorCodes.UnknownMember)
      return {
        outcome: { status: 'done', detail: 'they were no longer in the server' },
        retry: false,
      };
    const failure = discordFailure(error);
    logger.warn(
      { err: error, case: c.caseNumber, guild: c.guildId, transient: failure.transient },
      `the Discord ${WORDS[c.action].verb} failed`,
    );
    return {
      outcome: { status: failure.transient ? 'retrying' : 'failed', detail: failure.detail },
      retry: failure.transient,
    };
  }
}
