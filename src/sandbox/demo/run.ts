import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatedMessage, InteractionHandle } from '../../dev/discord-emulator/index.js';
import { SANDBOX_GUILD } from '../../dev/sandbox-guild.js';
import { buttonId, type Expectation } from './expect.js';
import { BotPosts } from './posts.js';
import { settle } from './settle.js';
import type { AutocompleteStep, DemoStep, SlashStep, Who } from './steps.js';
import { asSeen, invocation, shown, shownChoices } from './transcript.js';
import type { DemoWorld } from './world.js';

const DEFAULT_TIMEOUT_MS = 10_000;

export interface RunOptions {
  print(line: string): void;
  /** A pause after each step, for a human to follow along. */
  stepDelayMs: number;
}

export interface RunResult {
  total: number;
  passed: number;
  /** The step that did not go as expected (the run stops there), by its 1-based number. */
  failed: { number: number; step: DemoStep } | null;
}

/** What a step saw, and whether it was what it expected; `lines` is what each person saw. */
interface Outcome {
  ok: boolean;
  lines: string[];
  /** Shown beside the expectation when the step failed. */
  seen?: string;
}

/** A reply still "thinking…" or saying it is queued is not the answer yet. */
const isFinal = (m: EmulatedMessage) => !m.loading && !m.content.startsWith('⏳');

class Runner {
  private readonly replies = new Map<string, InteractionHandle>();
  readonly posts: BotPosts;

  constructor(private readonly world: DemoWorld) {
    this.posts = new BotPosts(world.discord);
  }

  private user(who: Who): string {
    return SANDBOX_GUILD.users[who];
  }

  private names = (id: string) => this.world.name(id);

  async play(step: DemoStep): Promise<Outcome> {
    const { discord } = this.world;
    const timeoutMs = step.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const call = (s: SlashStep | AutocompleteStep) => ({
      guildId: SANDBOX_GUILD.guild,
      channelId: SANDBOX_GUILD.channels.general,
      user: this.user(s.as),
      name: s.command,
      subcommandGroup: s.subcommandGroup,
      subcommand: s.subcommand,
      options: s.options,
    });
    switch (step.kind) {
      case 'slash': {
        const handle = discord.slashCommand(call(step));
        if (step.id) this.replies.set(step.id, handle);
        return this.reply(handle, () => handle.current(), step.expect, timeoutMs);
      }
      case 'autocomplete': {
        const handle = discord.autocomplete({ ...call(step), focused: step.focused });
        const { ok, seen } = await settle(
          discord,
          () => (handle.isAcknowledged ? (handle.autocompleteChoices() ?? []) : null),
          (choices) => step.expect.test(choices),
          timeoutMs,
        );
        const line = shownChoices(seen);
        return { ok, lines: [invocation(handle, this.names), line], seen: line.trim() };
      }
      case 'click': {
        const source = this.replies.get(step.on);
        const message = source?.current() ?? null;
        if (!message)
          return { ok: false, lines: [], seen: `no reply of a step with id "${step.on}"` };
        const customId = buttonId(message, step.button);
        if (!customId) return { ok: false, lines: [], seen: shown(message, this.names).trim() };
        const handle = discord.clickButton({
          user: this.user(step.as),
          message: message.id,
          customId,
        });
        // The member sees the message the button was on, updated, or a new reply: once the
        // bot has answered the click, not before.
        return this.reply(
          handle,
          () => (handle.isAcknowledged ? (handle.current() ?? discord.message(message.id)) : null),
          step.expect,
          timeoutMs,
          `${this.names(handle.userId)} ▸ presses [${step.button}]`,
        );
      }
      case 'post':
      case 'dm': {
        // A DM channel exists only once the bot has opened it.
        const channelId = () =>
          step.kind === 'post'
            ? SANDBOX_GUILD.channels[step.channel]
            : discord.state.dmChannelId(this.user(step.to));
        const { ok, seen } = await settle(
          discord,
          () => {
            const posts = this.posts.unclaimed((m) => m.channelId === channelId());
            const seen = (m: EmulatedMessage) => step.expect.test(asSeen(m, this.names));
            return posts.find(seen) ?? posts.at(-1) ?? null;
          },
          (m) => step.expect.test(asSeen(m, this.names)),
          timeoutMs,
        );
        if (!seen) return { ok, lines: [], seen: 'nothing posted there' };
        if (ok) this.posts.claim(seen.id);
        const line = `${this.posts.place(seen, this.names)}\n${shown(seen, this.names)}`;
        return { ok, lines: [line], seen: shown(seen, this.names).trim() };
      }
      case 'change':
        await step.change(this.world);
        return { ok: true, lines: [] };
      case 'check': {
        const seen = step.look(this.world);
        return { ok: step.expect.test(seen), lines: [`  = ${seen}`], seen };
      }
    }
  }

  private async reply(
    handle: InteractionHandle,
    probe: () => EmulatedMessage | null,
    expect: Expectation<EmulatedMessage>,
    timeoutMs: number,
    action = invocation(handle, this.names),
  ): Promise<Outcome> {
    const { ok, seen } = await settle(
      this.world.discord,
      probe,
      (m) => isFinal(m) && expect.test(asSeen(m, this.names)),
      timeoutMs,
    );
    const line = shown(seen, this.names);
    return { ok, lines: [action, line], seen: line.trim() };
  }
}

/** Plays the steps in order, printing what each person sees; stops at the first that fails. */
export async function runScenario(
  world: DemoWorld,
  steps: readonly DemoStep[],
  options: RunOptions,
): Promise<RunResult & { unclaimedPosts(): string[] }> {
  const runner = new Runner(world);
  const { print } = options;
  let passed = 0;
  let failed: RunResult['failed'] = null;
  for (const [index, step] of steps.entries()) {
    print(`\n${index + 1}. ${step.title}`);
    let outcome: Outcome;
    try {
      outcome = await runner.play(step);
    } catch (error) {
      // The emulator refuses what Discord would never send (an unknown option, say).
      outcome = { ok: false, lines: [], seen: `refused: ${(error as Error).message}` };
    }
    const show = (text: string) => print(`   ${text.replace(/\n/g, '\n   ')}`);
    for (const line of outcome.lines) show(line);
    // What was checked is said only when it was not seen: the transcript shows what was.
    if ('expect' in step && outcome.ok) show('✓ as expected');
    if (!outcome.ok) {
      const says = 'expect' in step ? step.expect.says : 'the step to run';
      show(`✗ expected: ${says}\n  seen:     ${outcome.seen ?? '(nothing)'}`);
      failed = { number: index + 1, step };
      break;
    }
    passed += 1;
    if (options.stepDelayMs > 0) await sleep(options.stepDelayMs);
  }
  const names = (id: string) => world.name(id);
  return {
    total: steps.length,
    passed,
    failed,
    unclaimedPosts: () =>
      runner.posts.unclaimed().map((m) => `${runner.posts.place(m, names)}\n${shown(m, names)}`),
  };
}
