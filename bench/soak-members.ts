import type {
  DiscordEmulator,
  EmulatedMessage,
  InteractionHandle,
} from '../src/dev/discord-emulator/index.js';
import { SANDBOX_GUILD } from '../src/dev/sandbox-guild.js';
import { MEMBERS, random, TYPED, TYPES } from './interactions-plan.js';
import type { Gate, Stop } from './soak-control.js';
import { isFinal, type InteractionLog } from './soak-interactions.js';
import { shiftKey, type NoticeLedger } from './soak-notices.js';

const { users, guild, channels } = SANDBOX_GUILD;

type Action =
  | 'clockin in'
  | 'clockin out'
  | 'clockin status'
  | 'whitelist check'
  | 'autocomplete'
  | 'botstatus';

/** What a linked member does, by share; staff also open /botstatus. */
const LINKED_MIX: [Action, number][] = [
  ['clockin in', 0.2],
  ['clockin out', 0.2],
  ['clockin status', 0.2],
  ['whitelist check', 0.25],
  ['autocomplete', 0.15],
];
const STAFF_MIX: [Action, number][] = [...LINKED_MIX, ['botstatus', 0.1]];
/** A member without a CMS account is told how to link one. */
const UNLINKED_MIX: [Action, number][] = [
  ['clockin status', 0.5],
  ['whitelist check', 0.5],
];

function mixOf(user: string): [Action, number][] {
  if (user === users.staff) return STAFF_MIX;
  if (user === users.unlinked) return UNLINKED_MIX;
  return LINKED_MIX;
}

function pick(mix: [Action, number][], roll: number): Action {
  const total = mix.reduce((sum, [, share]) => sum + share, 0);
  let left = roll * total;
  return mix.find(([, share]) => (left -= share) < 0)?.[0] ?? mix[0]![0];
}

export interface MembersOptions {
  discord: DiscordEmulator;
  interactions: InteractionLog;
  ledger: NoticeLedger;
  gate: Gate;
  stop: Stop;
  /** A member's mean pause between getting an answer and their next command. */
  thinkMs: number;
  seed: number;
}

/**
 * The guild's members at work: the six with a CMS account and the one without, each in a loop
 * of their own (a command, its answer, a pause), so a member never has two commands under way.
 * A clock-in or clock-out answered as done expects its line in the shift log.
 */
export class Members {
  /** Dispatches Discord could not deliver (no bot session on the gateway). */
  notDelivered = 0;
  private readonly everyone = [...MEMBERS, users.unlinked];

  constructor(private readonly options: MembersOptions) {}

  /**
   * One untimed /clockin status each, outside the figures: links and caches filled, code paths
   * warm, as in a bot that has been running. Throws if one is not answered.
   */
  async warmUp(timeoutMs = 30_000): Promise<void> {
    await Promise.all(
      this.everyone.map((user) =>
        this.slash(user, 'clockin status', () => 0).reply(isFinal, timeoutMs),
      ),
    );
  }

  /** Every member's loop until the stop; resolves once each has had its last answer. */
  async run(): Promise<void> {
    await Promise.all(this.everyone.map((user, i) => this.loop(user, this.options.seed + i)));
  }

  private async loop(user: string, seed: number): Promise<void> {
    const { gate, stop, thinkMs } = this.options;
    const next = random(seed);
    const mix = mixOf(user);
    // Members do not start in step.
    await stop.pause(next() * thinkMs);
    while (!stop.stopped) {
      await gate.passed();
      if (stop.stopped) break;
      await this.act(user, pick(mix, next()), next);
      await stop.pause(thinkMs * (0.5 + next()));
    }
  }

  private async act(user: string, action: Action, next: () => number): Promise<void> {
    const { interactions } = this.options;
    let handle: InteractionHandle;
    try {
      handle = this.slash(user, action, next);
    } catch {
      this.notDelivered += 1;
      return;
    }
    if (action === 'autocomplete') {
      await interactions.choices(action, handle);
      return;
    }
    const reply = await interactions.reply(action, handle);
    if (reply && (action === 'clockin in' || action === 'clockin out'))
      this.expectShiftLine(user, reply);
  }

  private slash(user: string, action: Action, next: () => number): InteractionHandle {
    const { discord } = this.options;
    const base = { user, guildId: guild, channelId: channels.general };
    const choose = (items: string[]) => items[Math.floor(next() * items.length)]!;
    switch (action) {
      case 'clockin in':
        return discord.slashCommand({
          ...base,
          name: 'clockin',
          subcommand: 'in',
          options: { type: choose(TYPES) },
        });
      case 'clockin out':
        return discord.slashCommand({ ...base, name: 'clockin', subcommand: 'out' });
      case 'clockin status':
        return discord.slashCommand({ ...base, name: 'clockin', subcommand: 'status' });
      case 'whitelist check':
        return discord.slashCommand({ ...base, name: 'whitelist', subcommand: 'check' });
      case 'autocomplete':
        return discord.autocomplete({
          ...base,
          name: 'clockin',
          subcommand: 'in',
          options: { type: choose(TYPED) },
          focused: 'type',
        });
      case 'botstatus':
        return discord.slashCommand({ ...base, name: 'botstatus' });
    }
  }

  /** A shift begun or ended by this command: its line, keyed by when the shift started. */
  private expectShiftLine(user: string, reply: EmulatedMessage): void {
    const embed = reply.embeds[0];
    const title = embed?.title ?? '';
    const end = title.startsWith('🟢 Clocked in')
      ? 'in'
      : title.startsWith('🔴 Clocked out')
        ? 'out'
        : null;
    const started = /<t:(\d+):f>/.exec(
      embed?.fields?.find((f) => f.name === 'Started')?.value ?? '',
    )?.[1];
    if (end && started) this.options.ledger.expect(shiftKey(user, Number(started), end), 'shift');
  }
}
