import type { Command } from './command.js';
import { ban } from './ban.js';
import { botstatus } from './botstatus.js';
import { clockin } from './clockin.js';
import { kick } from './kick.js';
import { whitelist } from './whitelist.js';

export type { Command } from './command.js';

/**
 * Every slash command, in one explicit list that both the bot and `deploy-commands.ts` read.
 * Add a command by writing its module (`data` + `execute`) and listing it here.
 */
export const commands: readonly Command[] = [clockin, whitelist, ban, kick, botstatus];

export const commandsByName: ReadonlyMap<string, Command> = new Map(
  commands.map((command) => [command.data.name, command]),
);
