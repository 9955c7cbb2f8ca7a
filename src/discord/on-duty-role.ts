import type { ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../bot-context.js';

/**
 * Gives or takes the on-duty role (ON_DUTY_ROLE_ID) so it matches the CMS clock. Runs with
 * every /clockin, so a clock-in made elsewhere (the CMS panel, the game) shows the next time
 * the member runs it. Returns a line for the reply when the role could not be changed.
 */
export async function matchOnDutyRole(
  interaction: ChatInputCommandInteraction<'cached'>,
  onDuty: boolean,
  context: BotContext,
): Promise<string | null> {
  const roleId = context.config.discord.onDutyRoleId;
  if (!roleId) return null;
  const member = interaction.member;
  if (member.roles.cache.has(roleId) === onDuty) return null;
  try {
    if (onDuty) await member.roles.add(roleId, 'Clocked in (Sonoran CMS)');
    else await member.roles.remove(roleId, 'Clocked out (Sonoran CMS)');
    return null;
  } catch (error) {
    context.logger.warn(
      { err: error, user: member.id, roleId },
      'could not change the on-duty role',
    );
    return `⚠️ Your on-duty role could not be ${onDuty ? 'given' : 'taken away'} (the bot may lack Manage Roles, or the role is above its own). Staff can fix it.`;
  }
}
