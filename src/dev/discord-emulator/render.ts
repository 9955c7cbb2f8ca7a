import type { InteractionResponseRecord } from './interaction-handle.js';
import type { EmulatedMessage } from './types.js';

/** Short, readable text for transcripts (the demo prints these); not a faithful Discord renderer. */

const clip = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;
const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ⏎ ');

interface Component {
  type?: number;
  label?: string;
  custom_id?: string;
  placeholder?: string;
  disabled?: boolean;
  content?: string;
  components?: Component[];
  accessory?: Component;
}

function renderComponents(components: Component[]): string[] {
  const parts: string[] = [];
  for (const c of components) {
    if (c.type === 2)
      parts.push(`[${c.label ?? c.custom_id ?? 'button'}${c.disabled ? ' (disabled)' : ''}]`);
    else if (c.type !== undefined && [3, 5, 6, 7, 8].includes(c.type))
      parts.push(`<${c.placeholder ?? c.custom_id ?? 'select'}>`);
    else if (c.type === 10 && c.content) parts.push(oneLine(clip(c.content, 120)));
    if (c.components) parts.push(...renderComponents(c.components));
    if (c.accessory) parts.push(...renderComponents([c.accessory]));
  }
  return parts;
}

/** e.g. "[ephemeral] **Clocked in** / ▌ Shift — Patrol / ▌ Officer: Daniel Park / [Confirm] [Cancel]", one item per line. */
export function renderMessage(message: EmulatedMessage): string {
  const tags = [
    message.ephemeral ? '[ephemeral]' : '',
    message.deleted ? '[deleted]' : '',
    message.editedTimestamp ? '[edited]' : '',
  ].filter(Boolean);
  const lines: string[] = [];
  const head = message.loading ? '(thinking…)' : oneLine(clip(message.content, 300));
  lines.push([...tags, head].filter(Boolean).join(' '));
  for (const embed of message.embeds) {
    const title = [
      embed.author?.name,
      embed.title ? `**${embed.title}**` : '',
      embed.description ? oneLine(clip(embed.description, 160)) : '',
    ]
      .filter(Boolean)
      .join(' — ');
    if (title) lines.push(`  ▌ ${title}`);
    if (embed.fields?.length)
      lines.push(
        `  ▌ ${embed.fields.map((f) => `${f.name}: ${oneLine(clip(f.value, 60))}`).join(' · ')}`,
      );
    if (embed.footer?.text) lines.push(`  ▌ ${oneLine(clip(embed.footer.text, 80))}`);
  }
  const components = renderComponents(message.components as Component[]);
  if (components.length) lines.push(`  ${components.join(' ')}`);
  if (message.attachments.length)
    lines.push(`  📎 ${message.attachments.map((a) => a.filename).join(', ')}`);
  return lines.filter((l) => l.trim() !== '').join('\n') || '(empty)';
}

interface OptionPayload {
  name: string;
  type: number;
  value?: unknown;
  focused?: boolean;
  options?: OptionPayload[];
}

/** e.g. "/ban target:@member.mia reason:spam", "button confirm-ban", "modal ban-reason {reason: spam}". */
export function renderInteraction(
  payload: Record<string, unknown>,
  usernames: (id: string) => string | undefined,
): string {
  const data = (payload.data ?? {}) as {
    name?: string;
    custom_id?: string;
    options?: OptionPayload[];
    values?: string[];
    components?: unknown[];
  };
  const words = (options: OptionPayload[] = []): string[] =>
    options.flatMap((o) =>
      o.type === 1 || o.type === 2
        ? [o.name, ...words(o.options)]
        : [
            `${o.name}:${o.type === 6 ? `@${usernames(String(o.value)) ?? String(o.value)}` : String(o.value)}${o.focused ? '▏' : ''}`,
          ],
    );
  switch (payload.type) {
    case 2:
      return `/${data.name ?? '?'} ${words(data.options).join(' ')}`.trim();
    case 4:
      return `autocomplete /${data.name ?? '?'} ${words(data.options).join(' ')}`.trim();
    case 3:
      return data.values
        ? `select ${data.custom_id} → ${data.values.join(', ')}`
        : `button ${data.custom_id}`;
    case 5: {
      const values: string[] = [];
      const walk = (items: unknown[]): void => {
        for (const item of items as Array<{
          custom_id?: string;
          value?: string;
          components?: unknown[];
          component?: unknown;
        }>) {
          if (item.custom_id !== undefined && item.value !== undefined)
            values.push(`${item.custom_id}: ${clip(item.value, 40)}`);
          if (item.components) walk(item.components);
          if (item.component) walk([item.component]);
        }
      };
      walk(data.components ?? []);
      return `modal ${data.custom_id} {${values.join(', ')}}`;
    }
    default:
      return `interaction type ${String(payload.type)}`;
  }
}

export function indentLines(text: string): string {
  return text.replace(/\n/g, '\n    ');
}

const CALLBACK_NAMES: Record<number, string> = {
  4: 'reply',
  5: 'defer',
  6: 'deferUpdate',
  7: 'update',
  8: 'choices',
  9: 'modal',
};

/** One transcript line for a response to an interaction, e.g. "  ◂ edit: [ephemeral] Clocked in". */
export function renderResponse(r: InteractionResponseRecord): string {
  const what =
    r.kind === 'callback'
      ? (CALLBACK_NAMES[r.callbackType ?? 0] ?? `callback ${String(r.callbackType)}`)
      : r.kind;
  if (r.error) return `  ✗ ${what} refused: ${r.status} ${r.error.code} ${r.error.message}`;
  const data = (r.body as { data?: { choices?: Array<{ name: string }>; title?: string } } | null)
    ?.data;
  if (r.callbackType === 8)
    return `  ◂ choices: ${(data?.choices ?? []).map((c) => c.name).join(', ') || '(none)'}`;
  if (r.callbackType === 9) return `  ◂ modal "${data?.title ?? ''}"`;
  if (r.callbackType === 6) return '  ◂ deferUpdate';
  if (r.kind === 'fetch') return '  ◂ fetchReply';
  if (r.kind === 'delete') return '  ◂ deleted';
  if (!r.message) return `  ◂ ${what}`;
  return `  ◂ ${what}: ${indentLines(renderMessage(r.message))}`;
}
