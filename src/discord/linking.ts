import type { RepliableInteraction } from 'discord.js';
import type { BotContext } from '../bot-context.js';
import type { LinkedAccount } from '../cms/service/index.js';
import { interactionCalls } from './interaction-calls.js';
import { UserError } from './user-error.js';

/** How a member links their Discord to their CMS account (Sonoran's API ID system). */
export const HOW_TO_LINK = [
  'Your Discord account is not linked to a Sonoran CMS account in this community yet.',
  'To link it: in the CMS, open **Community Profile** (the menu under your username) → **Settings** → **API IDs**,',
  'add your Discord user id as an API ID, and press **Save API IDs**. Then run the command again (it may take a minute to be seen).',
].join('\n');

/** The member's CMS account, or a UserError telling them how to link one. */
export async function linkedAccountOf(
  interaction: RepliableInteraction,
  context: BotContext,
): Promise<LinkedAccount> {
  const account = await context.cms.links.find(
    { id: interaction.user.id, username: interaction.user.username },
    interactionCalls(interaction),
  );
  if (!account) throw new UserError(HOW_TO_LINK, 'not-linked');
  return account;
}

/** A line for replies when the sandbox has just made the member an account. */
export function createdNote(account: LinkedAccount): string | null {
  return account.created
    ? `🧪 Sandbox: you had no CMS account, so one was made for you (**${account.name}**) in the built-in CMS emulator.`
    : null;
}
