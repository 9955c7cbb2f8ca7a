/**
 * A stand-in for Discord's REST API and gateway on loopback, for tests, benchmarks and the demo:
 * the real discord.js client logs in to it (`rest: { api: emulator.apiUrl }`) and receives real
 * interaction payloads. Development only; see emulator.ts for the whole API.
 */
export {
  DiscordEmulator,
  startDiscordEmulator,
  type DiscordEmulatorEvents,
  type DiscordEmulatorOptions,
} from './emulator.js';
export { DEFAULT_BOT_NAME, DEFAULT_IDS, DEFAULT_TOKEN, defaultGuild } from './defaults.js';
export {
  InteractionHandle,
  type AutocompleteChoice,
  type InteractionResponseRecord,
  type ModalData,
} from './interaction-handle.js';
export {
  option,
  type AutocompleteInput,
  type ComponentInput,
  type InteractionContext,
  type MessageRef,
  type ModalSubmitInput,
  type OptionValue,
  type SelectInput,
  type SlashCommandInput,
  type TypedOption,
} from './interactions.js';
export type { RegisteredCommand } from './commands.js';
export type { RestFaultOptions } from './faults.js';
export type { RateLimitRule } from './rate-limits.js';
export { LIMITS as MESSAGE_LIMITS } from './message-validation.js';
export { renderInteraction, renderMessage } from './render.js';
export { snowflake } from './ids.js';
export type * from './types.js';
