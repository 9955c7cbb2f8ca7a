import {
  ApplicationCommandOptionType,
  ChannelType,
  ComponentType,
  InteractionType,
} from 'discord.js';
import type { CommandOption, CommandRegistry } from './commands.js';
import type { GuildRecord, GuildState } from './guild-state.js';
import { interactionToken, snowflake } from './ids.js';
import { InteractionHandle } from './interaction-handle.js';
import type { MessageStore } from './message-store.js';
import { channelJson, memberJson, messageJson, roleJson, userJson } from './serialize.js';
import type { EmulatedMessage } from './types.js';

type Json = Record<string, unknown>;

/** An option value; plain values take their type from the registered command (else string/integer/number/boolean). */
export type OptionValue = string | number | boolean | TypedOption;
export interface TypedOption {
  type: ApplicationCommandOptionType;
  value: string | number | boolean;
}

/** Typed option values, for commands the bot has not registered. */
export const option = {
  user: (id: string): TypedOption => ({ type: ApplicationCommandOptionType.User, value: id }),
  channel: (id: string): TypedOption => ({ type: ApplicationCommandOptionType.Channel, value: id }),
  role: (id: string): TypedOption => ({ type: ApplicationCommandOptionType.Role, value: id }),
  mentionable: (id: string): TypedOption => ({
    type: ApplicationCommandOptionType.Mentionable,
    value: id,
  }),
  string: (value: string): TypedOption => ({ type: ApplicationCommandOptionType.String, value }),
  integer: (value: number): TypedOption => ({ type: ApplicationCommandOptionType.Integer, value }),
  number: (value: number): TypedOption => ({ type: ApplicationCommandOptionType.Number, value }),
  boolean: (value: boolean): TypedOption => ({ type: ApplicationCommandOptionType.Boolean, value }),
};

export interface InteractionContext {
  /** The invoking user's id; in a guild, a member of it. */
  user: string;
  /** The guild (the first one by default); null for a DM with the bot. */
  guildId?: string | null;
  /** The channel (the guild's first text channel by default). */
  channelId?: string;
  locale?: string;
}

export interface SlashCommandInput extends InteractionContext {
  name: string;
  subcommandGroup?: string;
  subcommand?: string;
  options?: Record<string, OptionValue>;
}

export interface AutocompleteInput extends SlashCommandInput {
  /** The option being typed; its value is the partial text. */
  focused: string;
}

/** A message by id, as a handle (its original response) or as returned by the emulator. */
export type MessageRef = string | InteractionHandle | EmulatedMessage;

export interface ComponentInput {
  user: string;
  message: MessageRef;
  customId: string;
  locale?: string;
}

export interface SelectInput extends ComponentInput {
  values: string[];
}

export interface ModalSubmitInput extends InteractionContext {
  /** Defaults to the custom id of the modal `from` showed. */
  customId?: string;
  /** Text input values (and select values) by custom id. */
  fields: Record<string, string | string[]>;
  /** The interaction the bot answered with that modal: the submission mirrors its layout and is checked against it. */
  from?: InteractionHandle;
}

export interface InteractionDeps {
  state: GuildState;
  messages: MessageStore;
  commands: CommandRegistry;
  applicationId: string;
  now: () => number;
  /** Sends INTERACTION_CREATE to the bot's gateway session(s). */
  deliver: (payload: Json, guildId: string | null) => void;
  register: (handle: InteractionHandle) => void;
}

interface Resolved {
  users?: Record<string, Json>;
  members?: Record<string, Json>;
  roles?: Record<string, Json>;
  channels?: Record<string, Json>;
}

/** Builds real INTERACTION_CREATE payloads from short descriptions and injects them. */
export class InteractionFactory {
  constructor(private readonly deps: InteractionDeps) {}

  slashCommand(input: SlashCommandInput): InteractionHandle {
    const { data } = this.commandData(input);
    return this.inject(InteractionType.ApplicationCommand, input, data, null);
  }

  autocomplete(input: AutocompleteInput): InteractionHandle {
    const { data } = this.commandData(input, input.focused);
    return this.inject(InteractionType.ApplicationCommandAutocomplete, input, data, null);
  }

  clickButton(input: ComponentInput): InteractionHandle {
    const message = this.message(input.message);
    const component = findComponent(message.components, input.customId);
    if (!component || component.type !== ComponentType.Button)
      throw new Error(`message ${message.id} has no button "${input.customId}"`);
    if (component.disabled)
      throw new Error(`button "${input.customId}" is disabled; Discord would not send the click`);
    const data = { custom_id: input.customId, component_type: ComponentType.Button };
    return this.inject(
      InteractionType.MessageComponent,
      this.contextOf(input, message),
      data,
      message,
    );
  }

  selectMenu(input: SelectInput): InteractionHandle {
    const message = this.message(input.message);
    const component = findComponent(message.components, input.customId);
    const selectTypes: number[] = [
      ComponentType.StringSelect,
      ComponentType.UserSelect,
      ComponentType.RoleSelect,
      ComponentType.MentionableSelect,
      ComponentType.ChannelSelect,
    ];
    if (!component || !selectTypes.includes(component.type ?? -1))
      throw new Error(`message ${message.id} has no select menu "${input.customId}"`);
    const guild = message.guildId ? this.deps.state.guild(message.guildId) : null;
    const kind = selectKind(component.type!);
    const resolved = kind ? this.resolveIds(guild, message.channelId, input.values, kind) : {};
    const data = {
      custom_id: input.customId,
      component_type: component.type,
      values: input.values,
      ...(Object.keys(resolved).length ? { resolved } : {}),
    };
    return this.inject(
      InteractionType.MessageComponent,
      this.contextOf(input, message),
      data,
      message,
    );
  }

  submitModal(input: ModalSubmitInput): InteractionHandle {
    const modal = input.from?.modal() ?? null;
    if (input.from && !modal)
      throw new Error(`interaction ${input.from.id} did not answer with a modal`);
    const customId = input.customId ?? modal?.custom_id;
    if (!customId)
      throw new Error(
        'submitModal needs a customId or the interaction that showed the modal (from)',
      );
    const components = modal
      ? mirrorModal(modal.components, input.fields)
      : Object.entries(input.fields).map(([id, value], i) => ({
          type: ComponentType.ActionRow,
          components: [{ type: ComponentType.TextInput, id: i + 1, custom_id: id, value }],
        }));
    const source = input.from?.sourceMessageId
      ? (this.deps.messages.get(input.from.sourceMessageId) ?? null)
      : null;
    const context: InteractionContext = input.from
      ? {
          user: input.user,
          guildId: input.from.guildId,
          channelId: input.from.channelId,
          ...(input.locale ? { locale: input.locale } : {}),
        }
      : input;
    return this.inject(
      InteractionType.ModalSubmit,
      context,
      { custom_id: customId, components },
      source,
    );
  }

  private contextOf(
    input: { user: string; locale?: string },
    message: EmulatedMessage,
  ): InteractionContext {
    return {
      user: input.user,
      guildId: message.guildId,
      channelId: message.channelId,
      ...(input.locale ? { locale: input.locale } : {}),
    };
  }

  private message(ref: MessageRef): EmulatedMessage {
    const id =
      typeof ref === 'string'
        ? ref
        : ref instanceof InteractionHandle
          ? ref.originalMessageId
          : ref.id;
    const message = id ? this.deps.messages.get(id) : undefined;
    if (!message)
      throw new Error(`no message ${String(id)} to interact with (never sent, or deleted)`);
    return message;
  }

  private inject(
    type: number,
    context: InteractionContext,
    data: Json,
    source: EmulatedMessage | null,
  ): InteractionHandle {
    const { state, applicationId } = this.deps;
    const guild =
      context.guildId === null ? null : state.guild(context.guildId ?? firstGuildId(state));
    const user = state.user(context.user);
    const channel = guild
      ? state.channel(context.channelId ?? defaultChannelId(state, guild))
      : state.dmChannel(user.id);
    const id = snowflake();
    const token = interactionToken();
    const locale = context.locale ?? 'en-US';
    let invoker: Json;
    let appPermissions: bigint;
    if (guild) {
      const member = guild.members.get(user.id);
      if (!member)
        throw new Error(
          `user ${user.id} is not a member of guild ${guild.id}; Discord would not send their interaction`,
        );
      invoker = {
        member: {
          ...memberJson(state, guild, member),
          permissions: state.permissions(guild.id, user.id, channel.id).toString(),
        },
      };
      appPermissions = state.permissions(guild.id, state.botUser.id, channel.id);
    } else {
      invoker = { user: userJson(user) };
      appPermissions = 0n;
    }
    const channelPayload = guild
      ? {
          ...channelJson(state, channel),
          permissions: state.permissions(guild.id, user.id, channel.id).toString(),
        }
      : {
          id: channel.id,
          type: ChannelType.DM,
          recipients: [userJson(user)],
          flags: 0,
          last_message_id: null,
        };
    const payload: Json = {
      id,
      application_id: applicationId,
      type,
      token,
      version: 1,
      ...(guild
        ? {
            guild_id: guild.id,
            guild: { id: guild.id, locale: guild.locale, features: [] },
            guild_locale: guild.locale,
          }
        : {}),
      channel_id: channel.id,
      channel: channelPayload,
      ...invoker,
      app_permissions: appPermissions.toString(),
      locale,
      entitlements: [],
      authorizing_integration_owners: guild ? { '0': guild.id } : { '1': user.id },
      context: guild ? 0 : 1,
      attachment_size_limit: 10 * 1024 * 1024,
      data,
      ...(source ? { message: messageJson(state, source) } : {}),
    };
    const handle = new InteractionHandle(
      {
        id,
        token,
        type,
        payload,
        createdAt: this.deps.now(),
        userId: user.id,
        commandName: typeof data.name === 'string' ? data.name : null,
        channelId: channel.id,
        guildId: guild?.id ?? null,
        sourceMessageId: source?.id ?? null,
      },
      this.deps.messages,
    );
    // Delivered first: with no bot connected, nothing is registered.
    this.deps.deliver(payload, guild?.id ?? null);
    this.deps.register(handle);
    return handle;
  }

  /** data for a chat input command (type 2 and 4 interactions), typed by the registered definition when there is one. */
  private commandData(input: SlashCommandInput, focused?: string): { data: Json } {
    const { state, commands } = this.deps;
    const guildId = input.guildId === null ? null : (input.guildId ?? firstGuildId(state));
    const guild = guildId ? state.guild(guildId) : null;
    const registered = commands.find(input.name, guildId);
    let defs: CommandOption[] | undefined = registered?.options;
    const path: Array<{ type: number; name: string }> = [];
    for (const [kind, name] of [
      [ApplicationCommandOptionType.SubcommandGroup, input.subcommandGroup],
      [ApplicationCommandOptionType.Subcommand, input.subcommand],
    ] as const) {
      if (!name) continue;
      if (registered) {
        const def = defs?.find((o) => o.name === name && o.type === kind);
        if (!def)
          throw new Error(
            `/${input.name} has no ${kind === 1 ? 'subcommand' : 'subcommand group'} "${name}"`,
          );
        defs = def.options;
      }
      path.push({ type: kind, name });
    }
    if (
      registered &&
      defs?.some(
        (o) =>
          o.type === ApplicationCommandOptionType.Subcommand ||
          o.type === ApplicationCommandOptionType.SubcommandGroup,
      )
    ) {
      throw new Error(`/${input.name} needs a subcommand; Discord never sends it without one`);
    }
    const channelId = input.channelId ?? (guild ? defaultChannelId(state, guild) : '');
    const resolved: Resolved = {};
    const leaves = Object.entries(input.options ?? {}).map(([name, raw]) => {
      const def = defs?.find((o) => o.name === name);
      if (registered && !def) throw new Error(`/${input.name} has no option "${name}"`);
      const typed =
        typeof raw === 'object' ? raw : { type: def?.type ?? inferType(raw), value: raw };
      if (name === focused)
        return { name, type: typed.type, value: String(typed.value), focused: true };
      if (def?.choices && !def.choices.some((c) => c.value === typed.value)) {
        throw new Error(`"${String(typed.value)}" is not one of the choices of option "${name}"`);
      }
      const kind = optionKind(typed.type);
      if (kind) this.resolveIds(guild, channelId, [String(typed.value)], kind, resolved);
      return { name, type: typed.type, value: typed.value };
    });
    if (registered && focused === undefined) {
      const missing = (defs ?? []).filter((o) => o.required && !(o.name in (input.options ?? {})));
      if (missing.length > 0)
        throw new Error(
          `/${input.name} is missing required option(s) ${missing.map((o) => o.name).join(', ')}`,
        );
    }
    let options: Json[] = leaves;
    for (const level of [...path].reverse())
      options = [{ type: level.type, name: level.name, options }];
    const data: Json = {
      id: registered?.id ?? snowflake(),
      name: input.name,
      type: 1,
      options,
      ...(registered?.guild_id ? { guild_id: registered.guild_id } : {}),
      ...(Object.keys(resolved).length ? { resolved } : {}),
    };
    return { data };
  }

  /** `resolved` entries for user, member, role and channel ids, as Discord attaches them. */
  private resolveIds(
    guild: GuildRecord | null,
    channelId: string,
    ids: string[],
    kind: MentionKind,
    into: Resolved = {},
  ): Resolved {
    const { state } = this.deps;
    for (const id of ids) {
      const user = kind === 'user' || kind === 'mentionable' ? state.users.get(id) : undefined;
      if (user) {
        (into.users ??= {})[id] = userJson(user);
        const member = guild?.members.get(id);
        if (guild && member) {
          (into.members ??= {})[id] = {
            ...memberJson(state, guild, member, false),
            permissions: state.permissions(guild.id, id, channelId).toString(),
          };
        }
      } else if ((kind === 'role' || kind === 'mentionable') && guild?.roles.has(id)) {
        (into.roles ??= {})[id] = roleJson(guild.roles.get(id)!, state.botUser.id);
      } else if (kind === 'channel' && state.channels.has(id)) {
        const channel = state.channel(id);
        (into.channels ??= {})[id] = {
          ...channelJson(state, channel),
          ...(guild
            ? { permissions: state.permissions(guild.id, state.botUser.id, id).toString() }
            : {}),
        };
      } else {
        throw new Error(`option value ${id} is not a known ${kind}`);
      }
    }
    return into;
  }
}

type MentionKind = 'user' | 'role' | 'mentionable' | 'channel';

/** Which option types and select menus carry ids that Discord resolves. */
function optionKind(type: number): MentionKind | null {
  const T = ApplicationCommandOptionType;
  return type === T.User
    ? 'user'
    : type === T.Role
      ? 'role'
      : type === T.Mentionable
        ? 'mentionable'
        : type === T.Channel
          ? 'channel'
          : null;
}

function selectKind(type: number): MentionKind | null {
  const C = ComponentType;
  return type === C.UserSelect
    ? 'user'
    : type === C.RoleSelect
      ? 'role'
      : type === C.MentionableSelect
        ? 'mentionable'
        : type === C.ChannelSelect
          ? 'channel'
          : null;
}

function inferType(value: string | number | boolean): number {
  if (typeof value === 'boolean') return ApplicationCommandOptionType.Boolean;
  if (typeof value === 'number')
    return Number.isInteger(value)
      ? ApplicationCommandOptionType.Integer
      : ApplicationCommandOptionType.Number;
  return ApplicationCommandOptionType.String;
}

function firstGuildId(state: GuildState): string {
  const first = state.guilds.keys().next();
  if (first.done) throw new Error('the emulator has no guild');
  return first.value;
}

function defaultChannelId(state: GuildState, guild: GuildRecord): string {
  const text = state.guildChannels(guild).find((c) => c.type === ChannelType.GuildText);
  if (!text) throw new Error(`guild ${guild.id} has no text channel`);
  return text.id;
}

interface Component {
  type?: number;
  custom_id?: string;
  disabled?: boolean;
  components?: Component[];
  component?: Component;
  accessory?: Component;
}

/** Finds a component by custom id in action rows and in components-v2 layouts. */
function findComponent(components: unknown[], customId: string): Component | undefined {
  for (const c of components as Component[]) {
    if (c.custom_id === customId) return c;
    const nested = [
      ...(c.components ?? []),
      ...(c.component ? [c.component] : []),
      ...(c.accessory ? [c.accessory] : []),
    ];
    const found = nested.length ? findComponent(nested, customId) : undefined;
    if (found) return found;
  }
  return undefined;
}

interface ModalInput {
  type?: number;
  id?: number;
  custom_id?: string;
  required?: boolean;
  components?: ModalInput[];
  component?: ModalInput;
}

/** A modal submission in the layout of the modal shown: action rows of text inputs, or labels (type 18). */
function mirrorModal(layout: unknown[], fields: Record<string, string | string[]>): Json[] {
  let nextId = 1;
  const answer = (input: ModalInput): Json => {
    const id = input.id ?? nextId++;
    const value = input.custom_id === undefined ? undefined : fields[input.custom_id];
    if (
      input.required !== false &&
      input.type === ComponentType.TextInput &&
      (value === undefined || value === '')
    ) {
      throw new Error(`modal field "${String(input.custom_id)}" is required`);
    }
    if (input.type === ComponentType.TextInput)
      return {
        type: input.type,
        id,
        custom_id: input.custom_id,
        value: typeof value === 'string' ? value : (value ?? []).join(','),
      };
    return {
      type: input.type,
      id,
      custom_id: input.custom_id,
      values: value === undefined ? [] : Array.isArray(value) ? value : [value],
    };
  };
  for (const key of Object.keys(fields)) {
    if (!findComponent(layout, key)) throw new Error(`the modal has no field "${key}"`);
  }
  return (layout as ModalInput[]).flatMap((top): Json[] => {
    if (top.type === ComponentType.ActionRow)
      return [
        { type: top.type, id: top.id ?? nextId++, components: (top.components ?? []).map(answer) },
      ];
    if (top.component)
      return [{ type: top.type, id: top.id ?? nextId++, component: answer(top.component) }];
    return [{ type: top.type, id: top.id ?? nextId++ }];
  });
}
