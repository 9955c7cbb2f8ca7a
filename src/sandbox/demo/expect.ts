import type { AutocompleteChoice, EmulatedMessage } from '../../dev/discord-emulator/index.js';

/** What a step should see, in words (printed when it is not seen) and as a test. */
export interface Expectation<T> {
  says: string;
  test(seen: T): boolean;
}

/** Everything a member reads in a message: text, embeds and button labels, one line each. */
export function messageText(message: EmulatedMessage): string {
  const parts: string[] = [message.content];
  for (const embed of message.embeds) {
    parts.push(embed.author?.name ?? '', embed.title ?? '', embed.description ?? '');
    for (const field of embed.fields ?? []) parts.push(`${field.name}: ${field.value}`);
    parts.push(embed.footer?.text ?? '');
  }
  parts.push(...buttonLabels(message));
  return parts.filter(Boolean).join('\n');
}

interface Component {
  type?: number;
  label?: string;
  custom_id?: string;
  components?: Component[];
  accessory?: Component;
}

function buttons(components: Component[]): Component[] {
  return components.flatMap((c) => [
    ...(c.type === 2 ? [c] : []),
    ...buttons(c.components ?? []),
    ...(c.accessory ? buttons([c.accessory]) : []),
  ]);
}

export function buttonLabels(message: EmulatedMessage): string[] {
  return buttons(message.components as Component[]).map((b) => b.label ?? b.custom_id ?? '');
}

/** The custom id of the button a member would click by its label (case-insensitive). */
export function buttonId(message: EmulatedMessage, label: string): string | null {
  const wanted = label.toLowerCase();
  const button = buttons(message.components as Component[]).find(
    (b) => b.label?.toLowerCase() === wanted,
  );
  return button?.custom_id ?? null;
}

/** A reply, post or DM. Every condition given must hold. */
export function message(want: {
  /** Only the member who ran the command sees it (true), or everyone in the channel (false). */
  ephemeral?: boolean;
  /** Found in the text, an embed or a button label (see messageText). */
  shows?: RegExp;
  /** Buttons offered, by label, in order. */
  buttons?: string[];
}): Expectation<EmulatedMessage> {
  const says = [
    want.ephemeral === undefined
      ? 'a message'
      : want.ephemeral
        ? 'a private (ephemeral) message'
        : 'a message everyone in the channel sees',
    want.shows ? `showing ${String(want.shows)}` : '',
    want.buttons ? `with the buttons ${want.buttons.map((b) => `[${b}]`).join(' ')}` : '',
  ];
  return {
    says: says.filter(Boolean).join(' '),
    test: (seen) =>
      (want.ephemeral === undefined || seen.ephemeral === want.ephemeral) &&
      (want.shows === undefined || want.shows.test(messageText(seen))) &&
      (want.buttons === undefined ||
        JSON.stringify(buttonLabels(seen)) === JSON.stringify(want.buttons)),
  };
}

/** Autocomplete suggestions: exactly these names, in this order. */
export function choices(names: string[]): Expectation<AutocompleteChoice[]> {
  return {
    says: `the choices ${names.join(', ') || '(none)'}`,
    test: (seen) => JSON.stringify(seen.map((c) => c.name)) === JSON.stringify(names),
  };
}

/** A state read from the emulators (see the `check` step), as text. */
export function text(pattern: RegExp): Expectation<string> {
  return { says: `text matching ${String(pattern)}`, test: (seen) => pattern.test(seen) };
}
