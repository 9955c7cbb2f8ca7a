import type { OperationName } from '../src/cms/catalog/index.js';
import { SANDBOX_GUILD } from '../src/dev/sandbox-guild.js';

/**
 * What the interactions benchmark dispatches: a fixed, seeded mix of /clockin subcommands and
 * autocomplete over the sandbox guild's members that have a CMS account, evenly spaced.
 */

export type Kind = 'status' | 'in' | 'out' | 'autocomplete';

export interface Planned {
  /** ms after the first dispatch. */
  at: number;
  kind: Kind;
  user: string;
  /** `/clockin in`'s type, or the text typed for autocomplete. */
  text?: string;
}

/** The share of each kind in the mix. */
export const MIX: Record<Kind, number> = { status: 0.35, in: 0.2, out: 0.2, autocomplete: 0.25 };

/** Linked in the CMS emulator's seed (the unlinked member and the admin are left out). */
export const MEMBERS = [
  SANDBOX_GUILD.users.owner,
  SANDBOX_GUILD.users.staff,
  SANDBOX_GUILD.users.officer,
  SANDBOX_GUILD.users.firefighter,
  SANDBOX_GUILD.users.dispatcher,
  SANDBOX_GUILD.users.civilian,
];

/**
 * The CMS budgets a subcommand may draw on once its member's link and the clock-in types are
 * cached (status reads the open shift; in writes one, and reads it when already on duty; out
 * reads it, then closes it). Autocomplete answers from the cache.
 */
export const OPERATIONS: Record<Kind, OperationName[]> = {
  status: ['getCurrentClockIn'],
  in: ['clockAccount', 'getCurrentClockIn'],
  out: ['getCurrentClockIn', 'clockAccount'],
  autocomplete: [],
};

/** The sandbox community's clock-in types, and what members type before autocomplete answers. */
export const TYPES = ['patrol', 'regular', 'training', 'dispatch'];
export const TYPED = ['', 'p', 'pat', 'dis', 'tr', 'reg'];

/** A small seeded PRNG (mulberry32): the same plan on every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function plan(count: number, seconds: number, seed = 1): Planned[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const kinds = Object.entries(MIX) as [Kind, number][];
  return Array.from({ length: count }, (_, i) => {
    let roll = next();
    const kind = kinds.find(([, share]) => (roll -= share) < 0)?.[0] ?? 'status';
    const text = kind === 'in' ? pick(TYPES) : kind === 'autocomplete' ? pick(TYPED) : undefined;
    return { at: (i * seconds * 1000) / count, kind, user: pick(MEMBERS), text };
  });
}
