import { EmbedBuilder } from '@discordjs/builders';
import { escapeMarkdown, type InteractionEditReplyOptions } from 'discord.js';
import type { Cached } from '../cms/service/cached-read.js';
import type { GameServer } from '../cms/service/community.js';
import type { WhitelistEntry } from '../cms/service/whitelist.js';
import { discordTime } from '../discord/format.js';
import { pageButtons, pageOf } from '../discord/pagination.js';

/** Names per page: a readable screenful, far below an embed's 4096 characters. */
export const NAMES_PER_PAGE = 15;

const COLOR = 0x3498db;

/**
 * One page of a server's full whitelist, names in alphabetical order, with Previous/Next
 * buttons only the invoker can use. Rendered the same for the command and for each click.
 */
export function whitelistPage(
  invokerId: string,
  server: GameServer,
  list: Cached<WhitelistEntry[]>,
  page: number,
): Pick<InteractionEditReplyOptions, 'content' | 'embeds' | 'components'> {
  const names = list.value
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }));
  const shown = pageOf(names, page, NAMES_PER_PAGE);
  const first = shown.page * NAMES_PER_PAGE;
  const lines = shown.items.map((name, i) => `${first + i + 1}. ${escapeMarkdown(name)}`);
  const embed = new EmbedBuilder()
    .setColor(COLOR)
    .setTitle(`Whitelist of ${server.name}`)
    .setDescription(
      [
        `As Sonoran CMS gave it ${discordTime(list.fetchedAt, 'R')}.`,
        '',
        ...(lines.length > 0 ? lines : ['Nobody is whitelisted on this server.']),
      ].join('\n'),
    )
    .setFooter({
      text: `Page ${shown.page + 1} of ${shown.pages} · ${names.length} whitelisted`,
    });
  return {
    content: '',
    embeds: [embed],
    components: pageButtons({ command: 'whitelist', invokerId, args: [String(server.id)] }, shown),
  };
}
