import { EmbedBuilder } from '@discordjs/builders';
import type { MessageCreateOptions, MessageEditOptions } from 'discord.js';
import { discordTime, mention } from '../discord/format.js';
import type {
  ActionOutcome,
  AuditEvent,
  AuditEventType,
  StaffActionEvent,
} from './audit-events.js';

export const COLORS = { ban: 0xd83c3e, kick: 0xe67e22, info: 0x5865f2 } as const;

const OUTCOME_TEXT: Record<ActionOutcome['status'], string> = {
  done: '✅ Done',
  failed: '❌ Failed',
  skipped: '⏭️ Skipped',
  retrying: '⚠️ Failed, retrying',
};

export function outcomeText(result: ActionOutcome): string {
  return result.detail
    ? `${OUTCOME_TEXT[result.status]}: ${result.detail}`
    : OUTCOME_TEXT[result.status];
}

function staffActionEmbed(event: StaffActionEvent): EmbedBuilder {
  const verb = event.action === 'ban' ? 'Banned' : 'Kicked';
  return new EmbedBuilder()
    .setColor(COLORS[event.action])
    .setTitle(`Case #${event.caseNumber}: ${verb}`)
    .addFields(
      { name: 'Member', value: `${mention(event.target.id)} (${event.target.tag})`, inline: true },
      { name: 'By', value: `${mention(event.staff.id)} (${event.staff.tag})`, inline: true },
      {
        name: 'CMS account',
        value: event.account ? `${event.account.name} (\`${event.account.accId}\`)` : 'Not linked',
        inline: false,
      },
      { name: 'Reason', value: event.reason.slice(0, 1024) },
      { name: 'Discord', value: outcomeText(event.discord).slice(0, 1024), inline: true },
      { name: 'Sonoran CMS', value: outcomeText(event.cms).slice(0, 1024), inline: true },
      { name: 'When', value: discordTime(event.at, 'f'), inline: true },
    )
    .setFooter({ text: "Source: the bot's own command" })
    .setTimestamp(event.at);
}

/** One formatter per kind of event: the compiler asks for a new one when a kind is added. */
const FORMATTERS: {
  [K in AuditEventType]: (event: Extract<AuditEvent, { type: K }>) => EmbedBuilder;
} = {
  'staff-action': staffActionEmbed,
};

/** The embed one audit event becomes. */
export function auditEmbed(event: AuditEvent): EmbedBuilder {
  const format = FORMATTERS[event.type] as (event: AuditEvent) => EmbedBuilder;
  return format(event);
}

/** The message one audit event becomes, posted or edited in (nobody is pinged). */
export function auditMessage(event: AuditEvent): MessageCreateOptions & MessageEditOptions {
  return { embeds: [auditEmbed(event)], allowedMentions: { parse: [] } };
}
