import { randomBytes } from 'node:crypto';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import type { Redis } from 'ioredis';
import { defineLuaScript, luaScript, runLuaScript } from '../queue/scripts/lua-script.js';
import { customId } from './custom-id.js';

/** How long a confirmation waits for its Confirm or Cancel. */
export const CONFIRMATION_TTL_MS = 60_000;
/** How long who answered is remembered: as long as a click on the message can still come. */
const ANSWER_KEPT_MS = 15 * 60_000;

/** The custom id actions of the two buttons. */
export const CONFIRM = 'confirm';
export const CANCEL = 'cancel';

export type ConfirmationAnswer = 'confirmed' | 'cancelled' | 'expired';

/** What settling a confirmation found. */
export type Settlement<T> =
  /** This caller settled it and holds what was pending. */
  | { state: 'claimed'; data: T }
  /** Someone settled it before (a double click, the expiry timer). */
  | { state: 'answered'; answer: ConfirmationAnswer }
  /** Its time ran out: Redis let the pending action expire. */
  | { state: 'expired' };

/**
 * Takes a pending confirmation, once: the first caller gets its data and leaves its answer
 * behind; later callers learn that answer, or that the confirmation expired.
 *
 * KEYS  pendingKey, answerKey
 * ARGV  answer, answerKeptMs
 * Returns {'claimed', data} | {'answered', answer} | {'expired'}.
 */
const SETTLE_CONFIRMATION = luaScript({
  name: 'sonoranSettleConfirmation',
  keys: ['pendingKey', 'answerKey'],
  args: ['answer', 'answerKeptMs'],
  body: `
local data = redis.call('GET', pendingKey)
if data then
  redis.call('DEL', pendingKey)
  redis.call('SET', answerKey, answer, 'PX', answerKeptMs)
  return {'claimed', data}
end
local earlier = redis.call('GET', answerKey)
if earlier then return {'answered', earlier} end
return {'expired'}
`,
});

/**
 * Actions waiting for their invoker's Confirm, in Redis with a TTL: the key's expiry is the
 * confirmation's, so a click after it finds nothing, whichever process gets the click and
 * whatever its clock says. The custom ids carry a nonce naming the pending action.
 */
export class PendingConfirmations<T> {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly redis: Redis,
    /** Key prefix, e.g. `<namespace>:confirm`. */
    private readonly prefix: string,
    readonly ttlMs = CONFIRMATION_TTL_MS,
  ) {
    defineLuaScript(redis, SETTLE_CONFIRMATION);
  }

  /** An unguessable id for one confirmation (16 hex characters: custom ids stay short). */
  newNonce(): string {
    return randomBytes(8).toString('hex');
  }

  /** Stores the pending action; returns when it expires (ms since the epoch). */
  async open(nonce: string, data: T): Promise<number> {
    await this.redis.set(this.key(nonce), JSON.stringify(data), 'PX', this.ttlMs);
    return Date.now() + this.ttlMs;
  }

  /** Settles the confirmation with `answer` if nobody has yet (see Settlement). */
  async settle(nonce: string, answer: ConfirmationAnswer): Promise<Settlement<T>> {
    const [state, value] = await runLuaScript<string, string, [string, string?]>(
      this.redis,
      SETTLE_CONFIRMATION,
      { pendingKey: this.key(nonce), answerKey: `${this.key(nonce)}:answer` },
      { answer, answerKeptMs: ANSWER_KEPT_MS },
    );
    if (state === 'claimed') return { state, data: JSON.parse(value!) as T };
    if (state === 'answered') return { state, answer: value as ConfirmationAnswer };
    return { state: 'expired' };
  }

  /**
   * Best effort: once the TTL has passed, `onExpired` runs unless someone answered (the message
   * then says it expired). A click after the TTL is refused whether or not this ran.
   */
  expireLater(nonce: string, onExpired: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.settle(nonce, 'expired')
        .then((settled) => (settled.state === 'answered' ? undefined : onExpired()))
        .catch(() => {});
    }, this.ttlMs + 500);
    timer.unref();
    this.timers.add(timer);
  }

  /** Drops the expiry timers (shutdown); the keys still expire in Redis. */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private key(nonce: string): string {
    return `${this.prefix}:${nonce}`;
  }
}

/** Confirm and Cancel buttons; their custom ids are `<command>:confirm|cancel:<invoker>:<args…>`. */
export function confirmationRow(options: {
  command: string;
  invokerId: string;
  args: string[];
  confirmLabel: string;
  danger?: boolean;
}): ActionRowBuilder<ButtonBuilder> {
  const id = (action: string) =>
    customId({
      command: options.command,
      action,
      invokerId: options.invokerId,
      args: options.args,
    });
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(id(CONFIRM))
      .setLabel(options.confirmLabel)
      .setStyle(options.danger ? ButtonStyle.Danger : ButtonStyle.Primary),
    new ButtonBuilder().setCustomId(id(CANCEL)).setLabel('Cancel').setStyle(ButtonStyle.Secondary),
  );
}
