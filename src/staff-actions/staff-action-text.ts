import { outcomeText } from '../audit/audit-embeds.js';
import { discordTime, mention } from '../discord/format.js';
import type { DmOutcome } from './notify-member.js';
import type { CarriedOut } from './staff-actions.js';
import { deletionText, WORDS, type StaffActionKind, type StaffRequest } from './staff-action.js';

/** The confirmation: exactly what Confirm will do, half by half. */
export function planText(request: StaffRequest, expiresAt: number, dm: boolean): string {
  const { action, target } = request;
  const who = mention(target.id);
  const words = WORDS[action];
  const deleted = deletionText(request.deleteMessageSeconds);
  const discord =
    action === 'ban'
      ? `• **Discord:** ${who} is banned from this server${deleted ? `, and ${deleted} are deleted` : ''}.`
      : `• **Discord:** ${who} is kicked from this server (they can rejoin with an invite).`;
  const cms = request.account
    ? `• **Sonoran CMS:** their account **${request.account.name}** is ${words.past}${action === 'kick' ? ' from the community' : ''}.`
    : `• CMS part skipped: ${request.cmsSkipped ?? 'no linked CMS account'}.`;
  return [
    `**${words.title} ${who}?**`,
    `**Reason:** ${request.reason}`,
    'If you confirm:',
    ...(dm ? ['• They get a DM with the reason first.'] : []),
    discord,
    cms,
    `This confirmation expires ${discordTime(expiresAt, 'R')}.`,
  ].join('\n');
}

const DM_TEXT: Record<DmOutcome, (who: string) => string | null> = {
  sent: () => '✉️ They were sent a DM with the reason.',
  closed: (who) =>
    `✉️ No DM: ${who} does not accept DMs from this server's members (not an error).`,
  failed: () => '✉️ The DM could not be sent.',
  off: () => null,
};

/** The final reply: the case, and each half's outcome on its own line. */
export function resultText({ state, dm, unrecorded }: CarriedOut): string {
  const c = state.staffCase;
  const who = mention(c.target.id);
  const retrying = state.discord.status === 'retrying' || state.cms.status === 'retrying';
  return [
    `**Case #${c.caseNumber}: ${WORDS[c.action].title} of ${who}**`,
    `**Discord:** ${outcomeText(state.discord)}`,
    `**Sonoran CMS:** ${outcomeText(state.cms)}`,
    retrying && !unrecorded
      ? '🔁 What failed is retried in the background; the audit channel shows the result.'
      : null,
    unrecorded
      ? '⚠️ The case could not be saved (Redis is unavailable): it is not in the audit channel and nothing will be retried. Please note it by hand.'
      : null,
    DM_TEXT[dm](who),
  ]
    .filter((line): line is string => line !== null)
    .join('\n');
}

export function expiredText(action: StaffActionKind, targetId: string, ttlMs: number): string {
  return `⌛ This confirmation expired after ${Math.round(ttlMs / 1000)} s; nothing was done to ${mention(targetId)}. Run /${action} again if you still want to.`;
}

export function cancelledText(targetId: string): string {
  return `Cancelled: nothing was done to ${mention(targetId)}.`;
}
