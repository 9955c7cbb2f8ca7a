import type { ChainableCommander, Redis } from 'ioredis';

/**
 * A Lua script whose KEYS and ARGV have names. Callers pass two objects and never count
 * positions; the script body sees each one as a local of the same name (declared by a prelude
 * generated from the lists below), so the TypeScript side and the Lua side cannot drift apart.
 */
export interface LuaScript<K extends string, A extends string> {
  /** The command name ioredis defines for it (`redis[name](...)`). */
  name: string;
  keys: readonly K[];
  args: readonly A[];
  body: string;
}

export function luaScript<const K extends string, const A extends string>(
  script: LuaScript<K, A>,
): LuaScript<K, A> {
  return script;
}

/** `local sendLog = KEYS[1]` ... `local limit = ARGV[1]` ...: every name the body uses. */
function prelude(script: LuaScript<string, string>): string {
  const keys = script.keys.map((name, i) => `local ${name} = KEYS[${i + 1}]`);
  const args = script.args.map((name, i) => `local ${name} = ARGV[${i + 1}]`);
  return [...keys, ...args].join('\n');
}

/** Makes the script callable on this connection (and on its pipelines and transactions). */
export function defineLuaScript(redis: Redis, script: LuaScript<string, string>): void {
  redis.defineCommand(script.name, {
    numberOfKeys: script.keys.length,
    lua: `${prelude(script)}\n${script.body}`,
  });
}

type Runner = Redis | ChainableCommander;

/** Runs a defined script with named keys and arguments. */
export function runLuaScript<K extends string, A extends string, R>(
  redis: Runner,
  script: LuaScript<K, A>,
  keys: Record<K, string>,
  args: Record<A, string | number>,
): Promise<R> {
  const command = (
    redis as unknown as Record<string, (...values: (string | number)[]) => Promise<R>>
  )[script.name];
  if (!command) throw new Error(`Lua script ${script.name} is not defined on this connection`);
  return command.call(
    redis,
    ...script.keys.map((name) => keys[name]),
    ...script.args.map((name) => args[name]),
  );
}
