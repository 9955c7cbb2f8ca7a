import { EmbedBuilder } from '@discordjs/builders';
import type { MessageCreateOptions, MessageEditOptions } from 'discord.js';
import { discordTime, duration, mention } from '../discord/format.js';
import type {
  AccountChangeEvent,
  ActionOutcome,
  AuditEvent,
  AuditEventType,
  ShiftEvent,
  StaffActionEvent,
} from './audit-events.js';

export const COLORS = {
  ban: 0xd83c3e,
  kick: 0xe67e22,
  info: 0x5865f2,
  restored: 0x2ecc71,
  onDuty: 0x2ecc71,
  offDuty: 0x95a5a6,
} as const;

const SOURCE_TEXT: Record<AccountChangeEvent['source'], string> = {
  push: 'Source: Sonoran CMS push event',
  reconciliation: 'Source: found by reconciliation (the bot reading the CMS)',
};

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

const CHANGE_TITLE: Record<AccountChangeEvent['change'], string> = {
  banned: 'Account banned',
  kicked: 'Account left the community (kicked)',
  unbanned: 'Account unbanned',
  rejoined: 'Account back in the community',
  updated: 'Account updated',
};

const CHANGE_COLOR: Record<AccountChangeEvent['change'], number> = {
  banned: COLORS.ban,
  kicked: COLORS.kick,
  unbanned: COLORS.restored,
  rejoined: COLORS.restored,
  updated: COLORS.info,
};

function who(account: { name: string; discordId: string | null }): string {
  return account.discordId
    ? `${mention(account.discordId)} (${account.name})`
    : `${account.name} (no Discord linked)`;
}

function accountChangeEmbed(event: AccountChangeEvent): EmbedBuilder {
  const embed = new EmbedBuilder()
    .setColor(CHANGE_COLOR[event.change])
    .setTitle(event.firstSighting ? 'Account seen for the first time' : CHANGE_TITLE[event.change])
    .addFields(
      { name: 'Member', value: who(event.account), inline: true },
      { name: 'CMS account', value: `\`${event.account.accId}\``, inline: true },
      { name: 'When', value: discordTime(event.at, 'f'), inline: true },
    )
    .setFooter({ text: SOURCE_TEXT[event.source] })
    .setTimestamp(event.at);
  if (event.details.length > 0) {
    const title = event.firstSighting ? 'Current state' : 'What changed';
    embed.addFields({
      name: title,
      value: event.details
        .map((line) => `• ${line}`)
        .join('\n')
        .slice(0, 1024),
    });
  }
  if (event.discordSync)
    embed.addFields({
      name: 'Discord (sync)',
      value: outcomeText(event.discordSync).slice(0, 1024),
    });
  return embed;
}

function shiftEmbed(event: ShiftEvent): EmbedBuilder {
  const open = event.endedAt === null;
  const line = open
    ? `${who(event.member)} clocked in: ${event.clockType}, since ${discordTime(event.startedAt, 't')}`
    : `${who(event.member)} clocked out: ${event.clockType}, ${discordTime(event.startedAt, 't')} to ${discordTime(event.endedAt!, 't')} (${duration(event.endedAt! - event.startedAt)})`;
  const where = event.source === 'command' ? '/clockin' : 'the CMS (panel or game)';
  return new EmbedBuilder()
    .setColor(open ? COLORS.onDuty : COLORS.offDuty)
    .setDescription(`${line} · via ${where}`);
}

/** One formatter per kind of event: the compiler asks for a new one when a kind is added. */
const FORMATTERS: {
  [K in AuditEventType]: (event: Extract<AuditEvent, { type: K }>) => EmbedBuilder;
} = {
  'staff-action': staffActionEmbed,
  'account-change': accountChangeEmbed,
  shift: shiftEmbed,
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
