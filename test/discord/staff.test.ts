import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PermissionFlagsBits as P, PermissionsBitField, type Interaction } from 'discord.js';
import { isStaff, requireStaff } from '../../src/discord/staff.js';
import { UserError } from '../../src/discord/user-error.js';

/** Only what the precondition reads: the permissions Discord sent with the interaction. */
const withPermissions = (bits: bigint | null) =>
  ({
    memberPermissions: bits === null ? null : new PermissionsBitField(bits).freeze(),
  }) as unknown as Interaction;

describe('staff precondition', () => {
  it('counts Manage Server, Ban Members, Kick Members and Administrator as staff', () => {
    for (const bits of [P.ManageGuild, P.BanMembers, P.KickMembers, P.Administrator])
      assert.equal(isStaff(new PermissionsBitField(bits)), true, `permission ${bits}`);
    assert.doesNotThrow(() => requireStaff(withPermissions(P.KickMembers | P.SendMessages), 'x'));
  });

  it('refuses members without them, and interactions outside a guild, with a UserError', () => {
    for (const bits of [0n, P.SendMessages | P.ManageMessages | P.ManageRoles, null]) {
      assert.throws(
        () => requireStaff(withPermissions(bits), 'see the whole whitelist'),
        (error: unknown) =>
          error instanceof UserError &&
          error.identifier === 'staff-only' &&
          /Only staff can see the whole whitelist/.test(error.message),
      );
    }
  });
});
