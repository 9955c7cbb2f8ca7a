import {
  renderInteraction,
  renderMessage,
  type AutocompleteChoice,
  type EmulatedMessage,
  type InteractionHandle,
} from '../../dev/discord-emulator/index.js';

/**
 * The demo's transcript lines, built on the Discord emulator's render helpers, with what
 * Discord itself would show for mentions and timestamps (`<@id>` → @Maria Reyes,
 * `<t:…:R>` → 2 minutes ago).
 */

type Names = (id: string) => string | undefined;

const AT = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

function relative(ms: number, now: number): string {
  const seconds = Math.round((ms - now) / 1000);
  const abs = Math.abs(seconds);
  // Discord timestamps are whole seconds: "now" may read a second or two either way.
  if (abs < 45) return seconds > 2 ? 'in a few seconds' : 'just now';
  const [amount, unit] =
    abs < 5_400
      ? [Math.round(abs / 60), 'minute']
      : abs < 129_600
        ? [Math.round(abs / 3_600), 'hour']
        : [Math.round(abs / 86_400), 'day'];
  const span = `${amount} ${unit}${amount === 1 ? '' : 's'}`;
  return seconds < 0 ? `${span} ago` : `in ${span}`;
}

/** Mentions and timestamps as a Discord client shows them (times in UTC). */
export function humanize(text: string, names: Names, now = Date.now()): string {
  return text
    .replace(/<t:(-?\d+)(?::([tTdDfFR]))?>/g, (_, seconds: string, style?: string) => {
      const ms = Number(seconds) * 1000;
      return style === 'R' ? relative(ms, now) : `${AT.format(ms)} UTC`;
    })
    .replace(/<@!?(\d+)>/g, (whole, id: string) => `@${names(id) ?? id}`)
    .replace(/<@&(\d+)>/g, (whole, id: string) => `@${names(id) ?? id}`)
    .replace(/<#(\d+)>/g, (whole, id: string) => `#${names(id) ?? id}`);
}

const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

/** The message with mentions and timestamps as its reader sees them: what expectations test. */
export function asSeen(message: EmulatedMessage, names: Names): EmulatedMessage {
  const h = (text: string | undefined) => (text === undefined ? undefined : humanize(text, names));
  return {
    ...message,
    content: humanize(message.content, names),
    embeds: message.embeds.map((embed) => ({
      ...embed,
      title: h(embed.title),
      description: h(embed.description),
      author: embed.author && { ...embed.author, name: humanize(embed.author.name, names) },
      fields: embed.fields?.map((f) => ({ ...f, name: h(f.name)!, value: h(f.value)! })),
      footer: embed.footer && { ...embed.footer, text: humanize(embed.footer.text, names) },
    })),
  };
}

/** "Daniel Park ▸ /clockin in type:patrol" */
export function invocation(handle: InteractionHandle, names: Names): string {
  const who = names(handle.userId) ?? handle.userId;
  return `${who} ▸ ${renderInteraction(handle.payload, names)}`;
}

/** "  ◂ [ephemeral] …", the message as its reader sees it now. */
export function shown(message: EmulatedMessage | null, names: Names, arrow = '◂'): string {
  if (!message) return `  ${arrow} (nothing)`;
  // Lines of the text on lines of their own (the render helper joins them with ⏎).
  const text = humanize(renderMessage(message), names).replace(/ ⏎ /g, '\n  ').replace(/^\s+/, '');
  return `  ${arrow} ${indent(text, '    ')}`;
}

export function shownChoices(choices: AutocompleteChoice[] | null): string {
  return `  ◂ suggests: ${choices?.map((c) => c.name).join(', ') || '(nothing)'}`;
}

/** Where a bot post went: "#audit" or "DM to Tyler Brooks". */
export function postPlace(channelName: string | undefined, dmTo: string | undefined): string {
  return dmTo ? `DM to ${dmTo}` : `#${channelName ?? '?'}`;
}
