import { EmbedBuilder, SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { discordTime, duration } from '../discord/format.js';
import { requireStaff } from '../discord/staff.js';
import type { CheckName } from '../ops/readiness.js';
import { busyOperations, type BotStatus } from '../ops/index.js';
import type { Command } from './command.js';

const READY = 0x2ecc71;
const NOT_READY = 0xe67e22;
/** Lines per list: an embed field holds 1024 characters. */
const MAX_LINES = 8;
const UNREADABLE = 'Could not be read (Redis did not answer).';

const CHECK_NAMES: Record<CheckName, string> = {
  redis: 'Redis',
  discord: 'Discord',
  cms: 'Sonoran CMS',
};

function listed(lines: string[], empty: string): string {
  if (lines.length === 0) return empty;
  const shown = lines.slice(0, MAX_LINES);
  if (lines.length > MAX_LINES) shown.push(`…and ${lines.length - MAX_LINES} more`);
  return shown.join('\n');
}

function checksText({ readiness }: BotStatus): string {
  return (Object.keys(readiness.checks) as CheckName[])
    .map((name) => {
      const check = readiness.checks[name];
      if (check.reason === 'paused' && check.pausedForMs !== undefined) {
        const until = Date.now() + check.pausedForMs;
        return `⏸️ **${CHECK_NAMES[name]}**: paused after a 429 until ${discordTime(until, 't')} (${discordTime(until, 'R')}); no CMS call is sent before then`;
      }
      return `${check.ok ? '✅' : '⚠️'} **${CHECK_NAMES[name]}**: ${check.detail}`;
    })
    .join('\n');
}

function queueText(status: BotStatus): string {
  if (!status.queue) return UNREADABLE;
  const lines = busyOperations(status.queue, status.windowMs).map((op) => {
    const parts = [`${op.waiting} waiting`];
    if (op.interactive > 0 && op.interactive < op.waiting)
      parts.push(`${op.interactive} for members`);
    if (op.active > 0) parts.push(`${op.active} sending`);
    return `\`${op.operation}\`: ${parts.join(', ')}; empty in about ${duration(op.etaMs)}`;
  });
  return listed(lines, 'Empty: no CMS call is waiting.');
}

function budgetText(status: BotStatus): string {
  if (!status.queue) return UNREADABLE;
  const rows = [
    ...new Map(status.queue.operations.map((row) => [row.operation, row])).values(),
  ].filter((row) => row.usedInWindow > 0);
  rows.sort((a, b) => b.usedInWindow / b.limit - a.usedInWindow / a.limit);
  const lines = rows.map((row) => `\`${row.operation}\`: ${row.usedInWindow} of ${row.limit}`);
  return listed(lines, 'Nothing sent in the current window.');
}

function auditText({ audit }: BotStatus): string {
  if (!audit) return UNREADABLE;
  return `${audit.notices} notices waiting for their channel; ${audit.observations} observations waiting to be compared`;
}

function reconcilerText({ lastPass, reconcileEveryMs }: BotStatus): string {
  const every =
    reconcileEveryMs > 0
      ? `Every ${duration(reconcileEveryMs)}. `
      : 'Off here (RECONCILE_EVERY=0). ';
  if (lastPass === undefined) return every + UNREADABLE;
  if (lastPass === null) return `${every}No pass has completed yet.`;
  const counts =
    lastPass.accounts === undefined
      ? ''
      : `, ${lastPass.accounts} accounts (${lastPass.details ?? 0} read in detail)`;
  return `${every}Last pass ended ${discordTime(lastPass.finishedAt, 'R')} and took ${duration(lastPass.finishedAt - lastPass.startedAt)}${counts}.`;
}

/** The status embed: what /readyz and /metrics say, where staff are. */
export function statusEmbed(status: BotStatus): EmbedBuilder {
  const { readiness } = status;
  return new EmbedBuilder()
    .setColor(readiness.ready ? READY : NOT_READY)
    .setTitle(
      readiness.ready
        ? 'Bot status: ready'
        : `Bot status: not ready (${readiness.failed.join(', ')})`,
    )
    .addFields(
      { name: 'Checks', value: checksText(status) },
      { name: 'CMS queue', value: queueText(status) },
      { name: 'CMS budget in use (this window)', value: budgetText(status) },
      { name: 'Audit backlog', value: auditText(status) },
      { name: 'Reconciler', value: reconcilerText(status) },
      {
        name: 'Bot',
        value: `Version ${status.version}, up ${duration(status.at - status.startedAt)} (since ${discordTime(status.startedAt, 'f')})`,
      },
    );
}

/** /botstatus: staff see the bot's health privately; nothing in it calls the CMS. */
export const botstatus: Command = {
  data: new SlashCommandBuilder()
    .setName('botstatus')
    .setDescription("Staff: the bot's health, CMS queue and audit backlog")
    .setContexts(InteractionContextType.Guild)
    // Shown to server managers; the bot itself accepts any staff (a server can open it wider).
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild),
  ephemeral: true,

  async execute(interaction, context) {
    requireStaff(interaction, 'see the bot status');
    const status = await context.ops.status.snapshot();
    await interaction.editReply({ embeds: [statusEmbed(status)] });
  },
};
