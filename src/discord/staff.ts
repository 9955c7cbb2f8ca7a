import { PermissionFlagsBits, type Interaction, type PermissionsBitField } from 'discord.js';
import { UserError } from './user-error.js';

/**
 * Who counts as staff: a member who may manage the server, ban or kick (Administrator has them
 * all). Discord's own permissions, so communities need no extra setup for the bot.
 */
export const STAFF_PERMISSIONS = [
  PermissionFlagsBits.ManageGuild,
  PermissionFlagsBits.BanMembers,
  PermissionFlagsBits.KickMembers,
] as const;

export function isStaff(permissions: Readonly<PermissionsBitField> | null): boolean {
  return permissions?.any(STAFF_PERMISSIONS) ?? false;
}

/**
 * A precondition for staff-only actions: throws a UserError (`staff-only`) naming what was
 * refused. Reads the permissions Discord sent with the interaction (the member's in that
 * channel), so it costs no request.
 */
export function requireStaff(interaction: Interaction, what: string): void {
  if (!isStaff(interaction.memberPermissions))
    throw new UserError(
      `Only staff can ${what} (Manage Server, Ban Members or Kick Members).`,
      'staff-only',
    );
}
