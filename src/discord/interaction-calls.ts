import type { RepliableInteraction } from 'discord.js';
import type { CallOptions } from '../cms/service/index.js';
import { INTERACTIVE_DEADLINE_MS } from '../queue/index.js';
import { duration } from './format.js';

/**
 * CMS call options for one interaction: done before its 15-minute token ends (counted from
 * when Discord created it), and, when the queue is long, the member sees so in the reply until
 * the result replaces it.
 */
export function interactionCalls(interaction: RepliableInteraction): CallOptions {
  return {
    deadline: interaction.createdTimestamp + INTERACTIVE_DEADLINE_MS,
    onQueued: ({ position, etaMs }) => {
      const wait = duration(Math.max(1_000, etaMs));
      const behind =
        position === 0
          ? `Waiting for the CMS rate limit, about ${wait}`
          : `Queued behind ${position === 1 ? '1 CMS call' : `${position} CMS calls`}, about ${wait}`;
      const text = `⏳ ${behind}. This message will update with the result.`;
      // A courtesy: the result replaces it whatever happens to this edit.
      void interaction.editReply({ content: text }).catch(() => {});
    },
  };
}
