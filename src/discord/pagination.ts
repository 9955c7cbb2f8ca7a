import { ActionRowBuilder, ButtonBuilder } from '@discordjs/builders';
import { ButtonStyle, MessageFlags, type MessageComponentInteraction } from 'discord.js';
import { customId, type CustomId } from './custom-id.js';

export const ONLY_INVOKER = 'Only the member who ran the command can use these buttons.';

/**
 * Buttons stay clickable for everyone who sees the message: a click by anyone but the member who
 * ran the command is answered privately and goes no further. Returns true when it refused.
 */
export async function refuseOthers(
  interaction: MessageComponentInteraction,
  invokerId: string,
): Promise<boolean> {
  if (interaction.user.id === invokerId) return false;
  await interaction.reply({ content: ONLY_INVOKER, flags: MessageFlags.Ephemeral });
  return true;
}

export interface Page<T> {
  items: T[];
  /** Zero-based, clamped into range (a list may have shrunk since the buttons were drawn). */
  page: number;
  /** At least 1, even for an empty list. */
  pages: number;
}

export function pageOf<T>(items: readonly T[], page: number, size: number): Page<T> {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const at = Math.min(Math.max(0, Math.trunc(page) || 0), pages - 1);
  return { items: items.slice(at * size, (at + 1) * size), page: at, pages };
}

/**
 * Previous/Next buttons whose custom ids are `<command>:page:<invoker>:<args…>:<target page>`;
 * none when everything fits on one page. Read the target back with `targetPage`.
 */
export function pageButtons(
  target: Omit<CustomId, 'action'>,
  { page, pages }: Pick<Page<unknown>, 'page' | 'pages'>,
): ActionRowBuilder<ButtonBuilder>[] {
  if (pages <= 1) return [];
  const button = (label: string, to: number, disabled: boolean) =>
    new ButtonBuilder()
      .setStyle(ButtonStyle.Secondary)
      .setLabel(label)
      .setDisabled(disabled)
      .setCustomId(customId({ ...target, action: 'page', args: [...target.args, String(to)] }));
  return [
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      // Clamped targets keep the two ids distinct (Discord refuses duplicates) whenever pages > 1.
      button('◀ Previous', Math.max(0, page - 1), page === 0),
      button('Next ▶', Math.min(pages - 1, page + 1), page >= pages - 1),
    ),
  ];
}

/** The page a Previous/Next button leads to (its last argument). */
export function targetPage(id: CustomId): number {
  return Number(id.args.at(-1) ?? 0);
}
