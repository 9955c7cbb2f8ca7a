import { ApplicationCommandOptionType } from 'discord.js';
import type { OptionValue, SlashCommandInput } from '../../../src/dev/discord-emulator/index.js';

/** A seeded generator (mulberry32): a failing case can be replayed from the seed it prints. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const text = (length: number) =>
    Array.from({ length }, () =>
      String.fromCodePoint(pick([32 + int(95), 0x4e00 + int(500), 0x1f600 + int(50), int(32)])),
    ).join('');
  return { next, int, pick, text };
}
type Random = ReturnType<typeof seededRandom>;

/** Any JSON value, nested a few levels. */
function anyJson(r: Random, depth = 0): unknown {
  const kinds = depth > 3 ? 5 : 7;
  switch (r.int(kinds)) {
    case 0:
      return null;
    case 1:
      return r.next() < 0.5;
    case 2:
      return r.pick([0, -1, 1e308, 3.14, Number.MAX_SAFE_INTEGER, r.int(1e9)]);
    case 3:
      return r.text(r.int(40));
    case 4:
      return 'x'.repeat(r.pick([0, 1, 1000, 20_000]));
    case 5:
      return Array.from({ length: r.int(5) }, () => anyJson(r, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: r.int(5) }, () => [r.text(1 + r.int(10)), anyJson(r, depth + 1)]),
      );
  }
}

export interface PushCase {
  what: string;
  method: string;
  path: string;
  contentType: string | null;
  body: string;
}

const TYPES = ['ACCOUNT_UPDATED', 'ACCOUNT_KICKED', 'ACCOUNT_BANNED'] as const;

function validData(type: (typeof TYPES)[number]): Record<string, unknown> {
  return type === 'ACCOUNT_UPDATED'
    ? {
        discordId: '235947056630333440',
        accId: '67ceebae-ee63-43c1-a6a6-5234b2210abf',
        comStatus: true,
        accName: 'Dawson G.',
        banned: false,
        secondaryRanks: [],
        joinDate: '2022-02-22 20:28:40.000 -0800',
      }
    : { discordId: '235947056630333440', accountId: '67ceebae-ee63-43c1-a6a6-5234b2210abf' };
}

/** Values each field can never take (so every mutated event is invalid by construction). */
const BAD_VALUES: Record<string, unknown[]> = {
  discordId: [123, 'not-a-snowflake', '1'.repeat(30), {}, [], true],
  accId: [undefined, 42, '', '   ', 'a'.repeat(101), null, []],
  accountId: [undefined, 42, '', 'a'.repeat(101), null, {}],
  comStatus: [undefined, 'yes', 1, null],
  accName: [undefined, 12, 'n'.repeat(201), null],
  banned: [undefined, 'no', 0],
  secondaryRanks: ['rank', [1, 2], Array.from({ length: 201 }, (_, i) => `r${i}`), { a: 1 }],
  joinDate: ['yesterday', 12, '2022-13-45 99:99:99', 'z'.repeat(65)],
};

/**
 * A malformed push event: every case breaks at least one rule (JSON, content type, size, method,
 * path, the key, the type, or one field of the data), so none may be stored.
 */
export function malformedPush(r: Random, key: string): PushCase {
  const json = (what: string, body: unknown): PushCase => ({
    what,
    method: 'POST',
    path: '/sonorancms/events',
    contentType: 'application/json',
    body: JSON.stringify(body) ?? 'null',
  });
  const type = r.pick(TYPES);
  switch (r.int(10)) {
    case 0:
      return json('a JSON value that is not an event', anyJson(r));
    case 1:
      return json('a random object', { ...(anyJson(r, 3) as object), data: anyJson(r) });
    case 2:
      return json('a wrong key', {
        key: r.pick([r.text(r.int(60)), 'k'.repeat(30_000), 7, null, [key], { key }, `${key} `]),
        type,
        data: validData(type),
      });
    case 3:
      return json('no key', { type, data: validData(type) });
    case 4:
      return json('an unknown type', {
        key,
        type: r.pick([r.text(r.int(20)), 'account_updated', 5, null, 't'.repeat(10_000)]),
        data: validData(type),
      });
    case 5:
      return json('data that is not an object', { key, type, data: r.pick([null, 'x', 1, []]) });
    case 6: {
      const data = validData(type);
      const field = r.pick(Object.keys(data).filter((name) => name in BAD_VALUES));
      const value = r.pick(BAD_VALUES[field]!);
      if (value === undefined) delete data[field];
      else data[field] = value;
      return json(`a bad ${field}`, { key, type, data });
    }
    case 7:
      return {
        what: 'a body that is not JSON',
        method: 'POST',
        path: '/sonorancms/events',
        contentType: 'application/json',
        body: r.pick(['', '{', '{"key":', r.text(50), '\u0000\u0001', 'NaN', "{'a':1}"]),
      };
    case 8:
      return {
        what: 'another content type or none',
        method: 'POST',
        path: '/sonorancms/events',
        contentType: r.pick([
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          null,
        ]),
        body: JSON.stringify({ key, type, data: validData(type) }),
      };
    default:
      return r.pick<PushCase>([
        {
          ...json('an oversized body', {
            key,
            type,
            data: validData(type),
            pad: 'p'.repeat(70_000),
          }),
        },
        { ...json('another method', {}), method: r.pick(['GET', 'PUT', 'DELETE', 'PATCH']) },
        {
          ...json('another path', { key, type }),
          path: r.pick(['/', '/sonorancms', `/sonorancms/events/${r.int(99)}`, '/%00']),
        },
      ]);
  }
}

/** A slash command the bot's definitions never allow (the commands are not registered then). */
export function malformedSlash(
  r: Random,
  user: string,
  ids: { users: string[]; roles: string[] },
): Omit<SlashCommandInput, 'guildId' | 'channelId'> {
  const typed = (
    type: ApplicationCommandOptionType,
    value: string | number | boolean,
  ): OptionValue => ({ type, value });
  const wrongValue = (): OptionValue =>
    r.pick([
      typed(ApplicationCommandOptionType.Integer, r.int(1e6)),
      typed(ApplicationCommandOptionType.Boolean, true),
      typed(ApplicationCommandOptionType.String, r.text(r.int(30))),
      // Ids Discord can resolve (it sends no others), where a string or a number is expected.
      typed(ApplicationCommandOptionType.User, r.pick(ids.users)),
      typed(ApplicationCommandOptionType.Number, 2.5),
      typed(ApplicationCommandOptionType.Role, r.pick(ids.roles)),
    ]);
  const options = () =>
    Object.fromEntries(
      Array.from({ length: r.int(4) }, () => [
        r.pick(['member', 'reason', 'type', 'server', 'delete_messages', 'in_cms', r.text(8)]),
        wrongValue(),
      ]),
    );
  switch (r.int(4)) {
    case 0:
      return {
        user,
        name: `zz${r.text(6).replace(/[^a-z]/gi, '') || 'x'}`.toLowerCase().slice(0, 32),
        options: options(),
      };
    case 1: {
      const name = r.pick(['clockin', 'whitelist']);
      return { user, name, options: options() }; // no subcommand at all
    }
    case 2: {
      const name = r.pick(['clockin', 'whitelist']);
      const subcommand = r.pick(['in', 'out', 'status', 'check', 'list', 'bogus']);
      return { user, name, subcommand, options: options() };
    }
    default:
      return { user, name: r.pick(['ban', 'kick']), options: options() }; // missing or mistyped options
  }
}

/** A custom id a button could carry: stale, forged or garbage. */
export function garbageCustomId(r: Random, users: string[]): string {
  const id = r.pick([
    () => r.text(1 + r.int(100)),
    () =>
      `${r.pick(['whitelist', 'ban', 'kick', 'clockin', 'nope'])}:${r.pick(['page', 'confirm', 'cancel', 'x', ''])}:${r.pick(users)}:${r.text(r.int(20))}`,
    () =>
      `whitelist:page:${r.pick(users)}:${r.pick(['NaN', '-1', '1e99', ''])}:${r.pick(['next', 'prev', '9999'])}`,
    () => ':'.repeat(1 + r.int(20)),
    () => 'x'.repeat(100),
  ])();
  // Discord's bounds for a custom id: 1 to 100 characters.
  return [...id].slice(0, 100).join('').trim() || 'x';
}
