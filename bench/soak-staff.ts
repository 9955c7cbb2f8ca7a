import type { CmsEmulator } from '../src/cms/emulator/server.js';
import type {
  DiscordEmulator,
  EmulatedMessage,
  InteractionHandle,
} from '../src/dev/discord-emulator/index.js';
import { SANDBOX_GUILD } from '../src/dev/sandbox-guild.js';
import type { Gate, Stop } from './soak-control.js';
import type { InteractionLog } from './soak-interactions.js';
import type { NoticeLedger } from './soak-notices.js';

const { users, roles, guild, channels } = SANDBOX_GUILD;

/** A guild member with a linked CMS account, there to be banned or kicked once. */
export interface StaffTarget {
  id: string;
  accId: string;
}

/**
 * Made before the bot starts, so the reconciler's first pass records their accounts: the
 * CMS's report of the bot's own ban or kick must then be no notice of its own.
 */
export function addStaffTargets(
  discord: DiscordEmulator,
  cms: CmsEmulator,
  count: number,
): StaffTarget[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `992000000000${String(i).padStart(6, '0')}`;
    const username = `soak.target${i}`;
    discord.addMember({ id, username, roles: [roles.member] });
    const account = cms.community.createAccount({ username, discordId: id });
    return { id, accId: account.accId };
  });
}

function confirmButton(message: EmulatedMessage): string | null {
  const rows = message.components as { components?: { custom_id?: string }[] }[];
  const button = rows
    .flatMap((row) => row.components ?? [])
    .find((b) => b.custom_id?.split(':')[1] === 'confirm');
  return button?.custom_id ?? null;
}

export interface StaffOptions {
  discord: DiscordEmulator;
  interactions: InteractionLog;
  ledger: NoticeLedger;
  gate: Gate;
  stop: Stop;
  everyMs: number;
  targets: StaffTarget[];
}

/**
 * The staff member at work: every `everyMs` a /ban or /kick (in turn) of the next target,
 * confirmed with its button. Each case expects one notice in the audit channel (posted once,
 * then edited as its halves settle).
 */
export class StaffActions {
  /** Case numbers the staff member was given. */
  readonly cases: number[] = [];
  notDelivered = 0;

  constructor(private readonly options: StaffOptions) {}

  async run(): Promise<void> {
    const { gate, stop, everyMs, targets } = this.options;
    await stop.pause(everyMs / 2);
    for (const [n, target] of targets.entries()) {
      await gate.passed();
      if (stop.stopped) break;
      await this.act(n % 2 === 0 ? 'ban' : 'kick', target, n);
      await stop.pause(everyMs);
    }
  }

  /** Cases whose notice does not show both halves done, as the audit channel has them now. */
  unsettled(): string[] {
    const notices = this.options.discord
      .messages(channels.audit)
      .flatMap((message) => message.embeds);
    return this.cases
      .map((n) => notices.find((embed) => embed.title?.startsWith(`Case #${n}:`)))
      .filter((embed) => {
        const half = (name: string) => embed?.fields?.find((f) => f.name === name)?.value ?? '';
        return !half('Discord').startsWith('✅') || !half('Sonoran CMS').startsWith('✅');
      })
      .map((embed) => embed?.title ?? 'a case with no notice');
  }

  private async act(action: 'ban' | 'kick', target: StaffTarget, n: number): Promise<void> {
    const { discord, interactions, ledger, gate } = this.options;
    const handle = this.dispatch(() =>
      discord.slashCommand({
        user: users.staff,
        guildId: guild,
        channelId: channels.general,
        name: action,
        options: { member: target.id, reason: `Soak ${action} ${n}` },
      }),
    );
    if (!handle) return;
    const confirmation = await interactions.reply(`${action}`, handle);
    const customId = confirmation && confirmButton(confirmation);
    // No buttons: the command answered with a refusal, which is its answer.
    if (!customId) return;
    await gate.passed();
    const click = this.dispatch(() =>
      discord.clickButton({ user: users.staff, message: handle, customId }),
    );
    if (!click) return;
    const result = await interactions.reply(`${action} confirm`, click);
    const caseNumber = /^\*\*Case #(\d+):/.exec(result?.content ?? '')?.[1];
    if (!caseNumber) return;
    this.cases.push(Number(caseNumber));
    ledger.expect(`case:${caseNumber}`, 'case');
  }

  private dispatch(inject: () => InteractionHandle): InteractionHandle | null {
    try {
      return inject();
    } catch {
      this.notDelivered += 1;
      return null;
    }
  }
}
