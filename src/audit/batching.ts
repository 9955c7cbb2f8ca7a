import type { APIEmbed } from 'discord.js';
import { auditEmbed } from './audit-embeds.js';
import type { AuditEvent } from './audit-events.js';

/** Discord's limits for one message. */
export const MESSAGE_LIMITS = { embeds: 10, embedCharacters: 6000 } as const;

/**
 * Notices that may share a message: account changes and shift lines. A staff action's case is
 * posted on its own (its message is edited as the case settles), and so is anything with a subject.
 */
export function batchable(event: AuditEvent): boolean {
  return event.type !== 'staff-action' && event.subject === undefined;
}

/** The characters Discord counts in an embed against a message's 6000. */
export function embedLength(embed: APIEmbed): number {
  const fields = (embed.fields ?? []).reduce(
    (sum, field) => sum + field.name.length + field.value.length,
    0,
  );
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    fields
  );
}

/**
 * The head event and the batchable events right behind it that fit one message with it, in
 * order: it stops at the first that cannot come along, so nothing is posted out of order.
 */
export function takeBatch(head: AuditEvent, behind: AuditEvent[]): AuditEvent[] {
  const batch = [head];
  let characters = embedLength(auditEmbed(head).toJSON());
  for (const event of behind) {
    if (batch.length >= MESSAGE_LIMITS.embeds || !batchable(event)) break;
    const length = embedLength(auditEmbed(event).toJSON());
    if (characters + length > MESSAGE_LIMITS.embedCharacters) break;
    batch.push(event);
    characters += length;
  }
  return batch;
}
