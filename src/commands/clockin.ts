import { EmbedBuilder, SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType, type ChatInputCommandInteraction } from 'discord.js';
import { shiftEvent } from '../audit/shift-events.js';
import type { BotContext } from '../bot-context.js';
import type { LinkedAccount } from '../cms/service/index.js';
import type { Shift } from '../cms/service/clock.js';
import type { ClockInType } from '../cms/service/community.js';
import { matchTyped } from '../discord/autocomplete.js';
import { discordTime, duration } from '../discord/format.js';
import { interactionCalls } from '../discord/interaction-calls.js';
import { createdNote, linkedAccountOf } from '../discord/linking.js';
import { matchOnDutyRole } from '../discord/on-duty-role.js';
import { UserError } from '../discord/user-error.js';
import type { Command } from './command.js';

const ON_DUTY = 0x2ecc71;
const OFF_DUTY = 0x95a5a6;

function label(types: ClockInType[], type: string | null): string {
  if (type === null) return 'Duty';
  return types.find((t) => t.id === type)?.label ?? type;
}

function shiftEmbed(title: string, shift: Shift, types: ClockInType[]): EmbedBuilder {
  const embed = new EmbedBuilder()
    .setColor(shift.endedAt === null ? ON_DUTY : OFF_DUTY)
    .setTitle(title)
    .addFields(
      { name: 'Type', value: label(types, shift.type), inline: true },
      {
        name: 'Started',
        value: `${discordTime(shift.startedAt, 'f')} (${discordTime(shift.startedAt, 'R')})`,
        inline: true,
      },
    );
  const end = shift.endedAt ?? Date.now();
  embed.addFields({
    name: shift.endedAt === null ? 'On duty for' : 'Lasted',
    value: duration(end - shift.startedAt),
    inline: true,
  });
  return embed;
}

/** The type a member asked for, by id or label, or the community's first when none was named. */
function chooseType(types: ClockInType[], asked: string | null): ClockInType {
  if (types.length === 0)
    throw new UserError(
      'This community has no clock-in types set up in Sonoran CMS yet.',
      'no-clock-in-types',
    );
  if (asked === null) return types[0]!;
  const wanted = asked.trim().toLowerCase();
  const found = types.find(
    (t) => t.id.toLowerCase() === wanted || t.label.toLowerCase() === wanted,
  );
  if (!found) {
    throw new UserError(
      `There is no clock-in type "${asked}". Pick one from the list: ${types.map((t) => t.label).join(', ')}.`,
      'unknown-clock-in-type',
    );
  }
  return found;
}

/**
 * A line in the shift log (SHIFT_LOG_CHANNEL_ID) for a clock-in or clock-out made here; the
 * reconciler, finding the same shift in the CMS later, records the same id, so it shows once.
 * The member's answer does not wait on it, nor fail with it.
 */
function logShift(
  context: BotContext,
  interaction: ChatInputCommandInteraction,
  account: LinkedAccount,
  shift: Shift,
  types: ClockInType[],
): void {
  const event = shiftEvent({
    member: { accId: account.accId, name: account.name, discordId: interaction.user.id },
    clockType: label(types, shift.type),
    startedAt: shift.startedAt,
    endedAt: shift.endedAt,
    source: 'command',
  });
  context.audit
    .record(event)
    .catch((error: unknown) =>
      context.logger.warn({ err: error }, 'a shift line could not be recorded'),
    );
}

async function reply(
  interaction: ChatInputCommandInteraction,
  notes: (string | null)[],
  embed?: EmbedBuilder,
  text?: string,
): Promise<void> {
  const content = [text, ...notes].filter((line): line is string => Boolean(line)).join('\n');
  await interaction.editReply({ content, embeds: embed ? [embed] : [] });
}

export const clockin: Command = {
  data: new SlashCommandBuilder()
    .setName('clockin')
    .setDescription('Clock in or out of duty in Sonoran CMS')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) =>
      sub
        .setName('in')
        .setDescription('Start a shift')
        .addStringOption((option) =>
          option
            .setName('type')
            .setDescription('What you are on duty for')
            .setAutocomplete(true)
            .setMaxLength(100),
        ),
    )
    .addSubcommand((sub) => sub.setName('out').setDescription('End your shift'))
    .addSubcommand((sub) =>
      sub.setName('status').setDescription('Whether you are on duty, and since when'),
    ),
  ephemeral: true,

  async execute(interaction, context) {
    if (!interaction.inCachedGuild())
      throw new UserError("Use this command in the community's Discord server.", 'guild-only');
    const account = await linkedAccountOf(interaction, context);
    const calls = interactionCalls(interaction);
    const { clock, community } = context.cms;
    const types = (await community.clockInTypes.get()).value;
    const notes = [createdNote(account)];

    switch (interaction.options.getSubcommand()) {
      case 'in': {
        const type = chooseType(types, interaction.options.getString('type'));
        const result = await clock.clockIn(account, type.id, calls);
        notes.push(await matchOnDutyRole(interaction, true, context));
        if (result.status === 'clocked-in') {
          logShift(context, interaction, account, result.shift, types);
          return reply(
            interaction,
            notes,
            shiftEmbed(`🟢 Clocked in, ${account.name}`, result.shift, types),
          );
        }
        if (result.shift)
          return reply(
            interaction,
            notes,
            shiftEmbed('You were already clocked in', result.shift, types),
          );
        return reply(interaction, notes, undefined, 'You were already clocked in.');
      }
      case 'out': {
        const result = await clock.clockOut(account, calls);
        notes.push(await matchOnDutyRole(interaction, false, context));
        if (result.status === 'not-in')
          return reply(
            interaction,
            notes,
            undefined,
            'You are not clocked in, so there was nothing to end.',
          );
        logShift(context, interaction, account, result.shift, types);
        return reply(
          interaction,
          notes,
          shiftEmbed(`🔴 Clocked out, ${account.name}`, result.shift, types),
        );
      }
      default: {
        const shift = await clock.current(account, calls);
        notes.push(await matchOnDutyRole(interaction, shift !== null, context));
        if (!shift)
          return reply(
            interaction,
            notes,
            undefined,
            `You are off duty, ${account.name}. Use \`/clockin in\` to start a shift.`,
          );
        return reply(interaction, notes, shiftEmbed(`🟢 On duty, ${account.name}`, shift, types));
      }
    }
  },

  async autocomplete(interaction, context) {
    // Never waits on the CMS queue: the cached list (refreshed in the background when stale).
    const cached = await context.cms.community.clockInTypes.peek();
    const choices = matchTyped(cached?.value ?? [], interaction.options.getFocused(), (t) => [
      t.label,
      t.id,
    ]);
    await interaction.respond(choices.slice(0, 25).map((t) => ({ name: t.label, value: t.id })));
  },
};
