import type {
  AutocompleteChoice,
  EmulatedMessage,
  OptionValue,
} from '../../dev/discord-emulator/index.js';
import type { SANDBOX_GUILD } from '../../dev/sandbox-guild.js';
import type { Expectation } from './expect.js';
import type { DemoWorld } from './world.js';

/**
 * The kinds of step a demo scenario is made of. Each step says what happens, who does it, and
 * what should be seen; the runner (run.ts) plays it against the emulators, prints what each
 * person sees and checks the expectation.
 */

/** A member of the sandbox guild, by the key SANDBOX_GUILD.users gives them. */
export type Who = keyof typeof SANDBOX_GUILD.users;

interface Invocation {
  command: string;
  subcommandGroup?: string;
  subcommand?: string;
  /** Plain values take their type from the registered command (a user option takes an id). */
  options?: Record<string, OptionValue>;
}

interface Base {
  /** One line for the reader: what happens in this step. */
  title: string;
  /** How long to wait for what is expected (default 10 s); only a failing step waits it out. */
  timeoutMs?: number;
}

/** A member runs a slash command; checked against their reply once it is final. */
export interface SlashStep extends Base, Invocation {
  kind: 'slash';
  as: Who;
  /** Names the reply, so a later `click` step can press one of its buttons. */
  id?: string;
  expect: Expectation<EmulatedMessage>;
}

/** A member types into an option; checked against the suggestions. */
export interface AutocompleteStep extends Base, Invocation {
  kind: 'autocomplete';
  as: Who;
  /** The option being typed; its value in `options` is the text typed so far. */
  focused: string;
  expect: Expectation<AutocompleteChoice[]>;
}

/** A member presses a button, by label, on the reply of an earlier step (its `id`). */
export interface ClickStep extends Base {
  kind: 'click';
  as: Who;
  on: string;
  button: string;
  /** Checked against the message the member sees afterwards (the updated one, or a new reply). */
  expect: Expectation<EmulatedMessage>;
}

/** The bot posts in a guild channel (not an interaction reply). */
export interface PostStep extends Base {
  kind: 'post';
  channel: keyof typeof SANDBOX_GUILD.channels;
  expect: Expectation<EmulatedMessage>;
}

/** The bot sends a member a direct message. */
export interface DmStep extends Base {
  kind: 'dm';
  to: Who;
  expect: Expectation<EmulatedMessage>;
}

/** Something happens outside Discord (staff use the CMS web panel, say). */
export interface ChangeStep extends Base {
  kind: 'change';
  change(world: DemoWorld): void | Promise<void>;
}

/** A look at the state of the CMS or of Discord, as text. */
export interface CheckStep extends Base {
  kind: 'check';
  look(world: DemoWorld): string;
  expect: Expectation<string>;
}

export type DemoStep =
  SlashStep | AutocompleteStep | ClickStep | PostStep | DmStep | ChangeStep | CheckStep;

type Without<T> = Omit<T, 'kind'>;

export const slash = (step: Without<SlashStep>): SlashStep => ({ kind: 'slash', ...step });
export const autocomplete = (step: Without<AutocompleteStep>): AutocompleteStep => ({
  kind: 'autocomplete',
  ...step,
});
export const click = (step: Without<ClickStep>): ClickStep => ({ kind: 'click', ...step });
export const post = (step: Without<PostStep>): PostStep => ({ kind: 'post', ...step });
export const dm = (step: Without<DmStep>): DmStep => ({ kind: 'dm', ...step });
export const change = (step: Without<ChangeStep>): ChangeStep => ({ kind: 'change', ...step });
export const check = (step: Without<CheckStep>): CheckStep => ({ kind: 'check', ...step });
