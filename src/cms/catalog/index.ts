import type { z } from 'zod';
import type { Operation, V1Operation, V2Operation } from './operation.js';
import { v1DisciplinaryOperations } from './v1/disciplinary.js';
import { v1EventOperations } from './v1/events.js';
import { v1FormOperations } from './v1/forms.js';
import { v1GeneralOperations } from './v1/general.js';
import { v1RosterOperations } from './v1/rosters.js';
import { v1ServerOperations } from './v1/servers.js';
import { v1SessionOperations } from './v1/sessions.js';
import { accountOperations } from './v2/accounts.js';
import { disciplinaryOperations } from './v2/disciplinary.js';
import { erlcOperations } from './v2/erlc.js';
import { eventOperations } from './v2/events.js';
import { formOperations } from './v2/forms.js';
import { generalOperations } from './v2/general.js';
import { rosterOperations } from './v2/rosters.js';
import { serverOperations } from './v2/servers.js';
import { sessionOperations } from './v2/sessions.js';

export type {
  HttpMethod,
  Operation,
  Section,
  V1Input,
  V1Operation,
  V2Input,
  V2Operation,
} from './operation.js';

/**
 * Every operation of the Sonoran CMS API, keyed by name: the v2 operation ids, and `v1.*`
 * for the older POST endpoints (kick and ban exist only there). The client, the pacing
 * budgets, the emulator's routes and the tests all read this one table.
 */
export const operations = {
  ...generalOperations,
  ...accountOperations,
  ...serverOperations,
  ...eventOperations,
  ...formOperations,
  ...rosterOperations,
  ...disciplinaryOperations,
  ...erlcOperations,
  ...sessionOperations,
  ...v1GeneralOperations,
  ...v1ServerOperations,
  ...v1EventOperations,
  ...v1RosterOperations,
  ...v1DisciplinaryOperations,
  ...v1FormOperations,
  ...v1SessionOperations,
};

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export type OperationInput<N extends OperationName> = z.input<Operations[N]['input']>;
export type OperationOutput<N extends OperationName> = z.output<Operations[N]['output']>;

/** The v1 limit when no v2 operation matches: the smallest documented limit. */
export const DEFAULT_V1_LIMIT_PER_MINUTE = 9;

export const operationNames = Object.keys(operations) as OperationName[];

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}

export function getOperation(name: OperationName): Operation {
  return operations[name] as Operation;
}

/** Operations with their names, for code that walks the whole catalog. */
export function listOperations(): (Operation & { name: OperationName })[] {
  return operationNames.map((name) => ({ ...getOperation(name), name }));
}

/**
 * The name of the budget an operation spends: the v2 twin's name for a v1 operation with a
 * `limitLike` twin, else the operation's own name. Nothing in Sonoran's docs says the CMS
 * meters a v1 call apart from its v2 twin, so both spend one budget: the emulator counts them
 * in one sliding window, and pacing must key its log by this name.
 */
export function budgetName(name: OperationName): OperationName {
  const operation = getOperation(name);
  return operation.version === 'v1' && operation.limitLike !== null
    ? (operation.limitLike as OperationName)
    : name;
}

/**
 * Why `CMS_V1_LIMITS` may not set a limit for this name, or null when it may. Only v1
 * operations without a v2 twin (kick and ban) take an override: a twinned v1 operation spends
 * its twin's documented budget, and one budget cannot have two limits.
 */
export function v1LimitOverrideProblem(name: string): string | null {
  if (!isOperationName(name) || getOperation(name).version !== 'v1')
    return `"${name}" is not a v1 operation of the catalog`;
  const budget = budgetName(name);
  if (budget !== name)
    return `"${name}" shares the budget of its v2 twin ${budget} (${limitPerMinute(budget)}/min) and takes no override`;
  return null;
}

/** Throws one error naming every override that `v1LimitOverrideProblem` refuses. */
export function assertV1LimitOverrides(v1Overrides: Readonly<Record<string, number>>): void {
  const problems = Object.keys(v1Overrides)
    .map(v1LimitOverrideProblem)
    .filter((problem) => problem !== null);
  if (problems.length > 0) throw new Error(`Invalid v1 limit override: ${problems.join('; ')}`);
}

/**
 * The per-minute limit of an operation's budget: documented for v2; for a v1 operation with a
 * twin, the twin's; for the others (kick and ban), the configured override, else 9.
 * Throws when `v1Overrides` holds an override `v1LimitOverrideProblem` refuses, so a bad one
 * fails loudly wherever limits are read instead of being ignored in one place.
 */
export function limitPerMinute(
  name: OperationName,
  v1Overrides: Readonly<Record<string, number>> = {},
): number {
  assertV1LimitOverrides(v1Overrides);
  const operation = getOperation(name);
  if (operation.version === 'v2') return operation.limitPerMinute;
  const budget = budgetName(name);
  if (budget !== name) return limitPerMinute(budget);
  return v1Overrides[name] ?? DEFAULT_V1_LIMIT_PER_MINUTE;
}

export function isV2(operation: Operation): operation is V2Operation {
  return operation.version === 'v2';
}

export function isV1(operation: Operation): operation is V1Operation {
  return operation.version === 'v1';
}
