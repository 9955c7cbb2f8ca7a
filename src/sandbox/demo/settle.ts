import type { DiscordEmulator } from '../../dev/discord-emulator/index.js';

/**
 * Resolves once `probe()` gives something `accept` takes, re-checking on every message and
 * interaction response the emulator sees (no polling); else, after `timeoutMs`, with what
 * was seen last.
 */
export function settle<T>(
  discord: DiscordEmulator,
  probe: () => T | null,
  accept: (seen: T) => boolean,
  timeoutMs: number,
): Promise<{ ok: boolean; seen: T | null }> {
  return new Promise((resolve) => {
    let last: T | null = null;
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      discord.off('message', check);
      discord.off('response', check);
      resolve({ ok, seen: last });
    };
    const check = () => {
      const seen = probe();
      if (seen === null) return;
      last = seen;
      if (accept(seen)) finish(true);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    discord.on('message', check);
    discord.on('response', check);
    check();
  });
}
