import { RESTJSONErrorCodes, type Client } from 'discord.js';
import type { Logger } from '../logger.js';
import type { StaffCase } from './staff-action.js';

/** What became of the DM to the member: sent, refused by their settings, failed, or turned off. */
export type DmOutcome = 'sent' | 'closed' | 'failed' | 'off';

function dmText(c: StaffCase, community: string): string {
  const what =
    c.action === 'ban'
      ? `You have been banned from **${community}**.`
      : `You have been kicked from **${community}**. You can rejoin with a new invite.`;
  return `${what}\n**Reason:** ${c.reason}`;
}

/**
 * Tells the member what is about to happen and why, before it does (after a ban or kick the
 * bot shares no server with them and cannot DM them). A member who does not take DMs from
 * server members (Discord's 50007) is no error: the reply says so.
 */
export async function dmMember(
  client: Client,
  c: StaffCase,
  community: string,
  logger: Logger,
): Promise<DmOutcome> {
  try {
    await client.users.send(c.target.id, { content: dmText(c, community) });
    return 'sent';
  } catch (error) {
    if ((error as { code?: unknown }).code === RESTJSONErrorCodes.CannotSendMessagesToThisUser)
      return 'closed';
    logger.warn({ err: error, case: c.caseNumber }, 'could not DM the member of a staff action');
    return 'failed';
  }
}
