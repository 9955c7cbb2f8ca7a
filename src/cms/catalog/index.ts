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

export type { HttpMethod, Operation, Section, V1Input, V1Operation, V2Input, V2Operation } from './operation.js';

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
 * The per-minute budget of an operation: documented for v2; for v1 the configured value,
 * else the matching v2 operation's, else 9.
 */
export function limitPerMinute(name: OperationName, v1Overrides: Readonly<Record<string, number>> = {}): number {
  const operation = getOperation(name);
  if (operation.version === 'v2') return operation.limitPerMinute;
  const configured = v1Overrides[name];
  if (configured !== undefined) return configured;
  if (operation.limitLike === null) return DEFAULT_V1_LIMIT_PER_MINUTE;
  return limitPerMinute(operation.limitLike as OperationName);
}

export function isV2(operation: Operation): operation is V2Operation {
  return operation.version === 'v2';
}

export function isV1(operation: Operation): operation is V1Operation {
  return operation.version === 'v1';
}
