import { invalidFormBody, type FieldProblem } from './errors.js';
import { snowflake } from './ids.js';

/** An application command option as registered (the API's shape, loosely typed). */
export interface CommandOption {
  type: number;
  name: string;
  description?: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: Array<{ name: string; value: string | number }>;
  options?: CommandOption[];
  [key: string]: unknown;
}

export interface RegisteredCommand {
  id: string;
  application_id: string;
  guild_id?: string;
  version: string;
  type: number;
  name: string;
  description: string;
  options?: CommandOption[];
  default_member_permissions: string | null;
  [key: string]: unknown;
}

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const GLOBAL = 'global';

function optionProblems(options: CommandOption[], path: Array<string | number>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (options.length > 25)
    problems.push({
      path,
      code: 'BASE_TYPE_MAX_LENGTH',
      message: 'Must be 25 or fewer in length.',
    });
  let optionalSeen = false;
  const names = new Set<string>();
  options.forEach((option, i) => {
    const at = [...path, i];
    if (
      typeof option.name !== 'string' ||
      !NAME.test(option.name) ||
      option.name !== option.name.toLowerCase()
    ) {
      problems.push({
        path: [...at, 'name'],
        code: 'APPLICATION_COMMAND_INVALID_NAME',
        message: 'Command name is invalid',
      });
    }
    if (names.has(option.name))
      problems.push({
        path: [...at, 'name'],
        code: 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS',
        message: 'Option names must be unique',
      });
    names.add(option.name);
    const description = option.description ?? '';
    if (description.length < 1 || description.length > 100) {
      problems.push({
        path: [...at, 'description'],
        code: 'BASE_TYPE_BAD_LENGTH',
        message: 'Must be between 1 and 100 in length.',
      });
    }
    if (option.type !== 1 && option.type !== 2) {
      if (option.required && optionalSeen) {
        problems.push({
          path: [...at, 'required'],
          code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
          message: 'Required options must be placed before non-required options',
        });
      }
      if (!option.required) optionalSeen = true;
    }
    if (option.choices && option.choices.length > 25)
      problems.push({
        path: [...at, 'choices'],
        code: 'BASE_TYPE_MAX_LENGTH',
        message: 'Must be 25 or fewer in length.',
      });
    if (option.options) problems.push(...optionProblems(option.options, [...at, 'options']));
  });
  return problems;
}

/** Registered application commands, global and per guild; PUT replaces a scope's list like Discord's bulk overwrite. */
export class CommandRegistry {
  private readonly scopes = new Map<string, RegisteredCommand[]>();

  constructor(private readonly applicationId: string) {}

  overwrite(guildId: string | null, definitions: unknown): RegisteredCommand[] {
    if (!Array.isArray(definitions)) {
      throw invalidFormBody([{ path: [], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }]);
    }
    const defs = definitions as Array<Record<string, unknown>>;
    const problems: FieldProblem[] = [];
    if (defs.length > 100)
      problems.push({
        path: [],
        code: 'BASE_TYPE_MAX_LENGTH',
        message: 'Must be 100 or fewer in length.',
      });
    const seen = new Set<string>();
    defs.forEach((def, i) => {
      const type = typeof def.type === 'number' ? def.type : 1;
      const name = typeof def.name === 'string' ? def.name : '';
      if (!NAME.test(name) || (type === 1 && name !== name.toLowerCase())) {
        problems.push({
          path: [i, 'name'],
          code: 'APPLICATION_COMMAND_INVALID_NAME',
          message: 'Command name is invalid',
        });
      }
      if (seen.has(`${type}:${name}`))
        problems.push({
          path: [i, 'name'],
          code: 'APPLICATION_COMMANDS_DUPLICATE_NAME',
          message: 'Application command names must be unique',
        });
      seen.add(`${type}:${name}`);
      const description = typeof def.description === 'string' ? def.description : '';
      if (type === 1 && (description.length < 1 || description.length > 100)) {
        problems.push({
          path: [i, 'description'],
          code: 'BASE_TYPE_BAD_LENGTH',
          message: 'Must be between 1 and 100 in length.',
        });
      }
      if (Array.isArray(def.options))
        problems.push(...optionProblems(def.options as CommandOption[], [i, 'options']));
    });
    if (problems.length > 0) throw invalidFormBody(problems);

    const previous = this.scopes.get(guildId ?? GLOBAL) ?? [];
    const stored = defs.map((def): RegisteredCommand => {
      const type = typeof def.type === 'number' ? def.type : 1;
      // An overwrite keeps the id of a command with the same name and type, as Discord does.
      const kept = previous.find((p) => p.name === def.name && p.type === type);
      return {
        ...def,
        id: kept?.id ?? snowflake(),
        application_id: this.applicationId,
        ...(guildId ? { guild_id: guildId } : {}),
        version: snowflake(),
        type,
        name: String(def.name),
        description: typeof def.description === 'string' ? def.description : '',
        default_member_permissions:
          typeof def.default_member_permissions === 'string'
            ? def.default_member_permissions
            : null,
        nsfw: def.nsfw === true,
        ...(Array.isArray(def.options) ? { options: def.options as CommandOption[] } : {}),
      };
    });
    this.scopes.set(guildId ?? GLOBAL, stored);
    return structuredClone(stored);
  }

  list(guildId: string | null): RegisteredCommand[] {
    return structuredClone(this.scopes.get(guildId ?? GLOBAL) ?? []);
  }

  /** The chat-input command a user in this guild would run by that name: the guild's own first, then global. */
  find(name: string, guildId: string | null): RegisteredCommand | undefined {
    const inScope = (scope: string) =>
      this.scopes.get(scope)?.find((c) => c.name === name && c.type === 1);
    return (guildId ? inScope(guildId) : undefined) ?? inScope(GLOBAL);
  }
}
