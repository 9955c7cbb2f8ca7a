import type { RepliableInteraction } from 'discord.js';
import type { CallOptions } from '../cms/service/index.js';
import { INTERACTIVE_DEADLINE_MS } from '../queue/index.js';

/**
 * CMS call options for one interaction: done before its 15-minute token ends (counted from
 * when Discord created it), and, when the queue is long, the member sees so in the reply until
 * the result replaces it.
 */
export function interactionCalls(interaction: RepliableInteraction): CallOptions {
  return {
    deadline: interaction.createdTimestamp + INTERACTIVE_DEADLINE_MS,
    onQueued: ({ position, etaMs }) => {
      const calls = position === 1 ? '1 CMS call' : `${position} CMS calls`;
      const text = `⏳ Queued behind ${calls}, about ${Math.max(1, Math.ceil(etaMs / 1000))} s. This message will update with the result.`;
      // A courtesy: the result replaces it whatever happens to this edit.
      void interaction.editReply({ content: text }).catch(() => {});
    },
  };
}
