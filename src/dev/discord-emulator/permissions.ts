import { PermissionFlagsBits } from 'discord.js';

/** Every permission bit Discord defines: what the owner and Administrator get. */
export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce(
  (all, bit) => all | bit,
  0n,
);

/** What @everyone gets by default in a new server (a sensible subset). */
export const DEFAULT_EVERYONE_PERMISSIONS: bigint =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.ChangeNickname |
  PermissionFlagsBits.CreateInstantInvite |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak;

export function toBits(value: bigint | string | undefined): bigint {
  if (value === undefined) return 0n;
  return typeof value === 'bigint' ? value : BigInt(value);
}

export function has(permissions: bigint, bit: bigint): boolean {
  return (permissions & PermissionFlagsBits.Administrator) !== 0n || (permissions & bit) === bit;
}

export interface Overwrite {
  id: string;
  /** 0 = role, 1 = member, as in the API. */
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

/**
 * Discord's documented algorithm: guild-wide permissions from @everyone and the member's roles
 * (the owner and Administrator get everything), then the channel's overwrites in the order
 * @everyone, roles (denies before allows), member.
 */
export function computePermissions(input: {
  isOwner: boolean;
  everyone: bigint;
  rolePermissions: bigint[];
  guildId: string;
  userId: string;
  roleIds: string[];
  overwrites?: Overwrite[];
}): bigint {
  if (input.isOwner) return ALL_PERMISSIONS;
  let base = input.rolePermissions.reduce((acc, bits) => acc | bits, input.everyone);
  if ((base & PermissionFlagsBits.Administrator) !== 0n) return ALL_PERMISSIONS;
  const overwrites = input.overwrites ?? [];
  const everyone = overwrites.find((o) => o.type === 0 && o.id === input.guildId);
  if (everyone) base = (base & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && o.id !== input.guildId && input.roleIds.includes(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  base = (base & ~deny) | allow;
  const member = overwrites.find((o) => o.type === 1 && o.id === input.userId);
  if (member) base = (base & ~member.deny) | member.allow;
  return base;
}
