import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffAccount, type AccountSnapshot } from '../../src/audit/account-diff.js';
import type { AccountObservation } from '../../src/audit/observations.js';
import { rankNamesOf } from '../../src/audit/rank-names.js';

const names = rankNamesOf([
  {
    uuid: 'police',
    label: 'Police',
    ranks: [
      { id: 'officer', label: 'Officer' },
      { id: 'sergeant', label: 'Sergeant' },
    ],
  },
  { uuid: 'fire', label: 'Fire', ranks: [{ id: 'firefighter', label: 'Firefighter' }] },
]);

const known: AccountSnapshot = {
  accId: 'a1',
  discordId: '402817365912837120',
  name: 'Daniel Park',
  comStatus: true,
  banned: false,
  ranks: ['officer'],
};
const seen = (account: Partial<AccountSnapshot>): AccountObservation => ({
  kind: 'state',
  source: 'push',
  at: 1,
  account: { ...known, ...account },
});

describe('an account compared with its last snapshot', () => {
  it('says what changed, department by department', () => {
    assert.deepEqual(diffAccount(known, seen({ ranks: ['sergeant'] }), names).change?.details, [
      'rank Officer -> Sergeant',
    ]);
    assert.deepEqual(
      diffAccount(known, seen({ ranks: ['officer', 'firefighter'] }), names).change?.details,
      ['department added: Fire (Firefighter)'],
    );
    assert.deepEqual(
      diffAccount(
        { ...known, ranks: ['officer', 'firefighter'] },
        seen({ ranks: ['officer'] }),
        names,
      ).change?.details,
      ['department removed: Fire'],
    );
    assert.deepEqual(diffAccount(known, seen({ name: 'Dan Park' }), names).change?.details, [
      'name Daniel Park -> Dan Park',
    ]);
  });

  it('finds nothing new when the observation says what the snapshot says (a push the reconciler saw first)', () => {
    assert.equal(diffAccount(known, seen({}), names).change, null);
    const banned: AccountSnapshot = { ...known, banned: true, comStatus: false };
    assert.equal(
      diffAccount(
        banned,
        { kind: 'banned', accId: 'a1', discordId: null, source: 'reconciliation', at: 1 },
        names,
      ).change,
      null,
    );
  });

  it('calls a ban a ban and leaving a kick, whichever source saw it', () => {
    assert.equal(
      diffAccount(known, seen({ banned: true, comStatus: false }), names).change?.kind,
      'banned',
    );
    assert.equal(diffAccount(known, seen({ comStatus: false }), names).change?.kind, 'kicked');
    assert.equal(
      diffAccount(
        known,
        { kind: 'kicked', accId: 'a1', discordId: null, source: 'push', at: 1 },
        names,
      ).next.comStatus,
      false,
    );
  });

  it('does not read the ranks a kick or ban took as a change of ranks', () => {
    const { change } = diffAccount(known, seen({ comStatus: false, ranks: [] }), names);
    assert.deepEqual([change?.kind, change?.details], ['kicked', []]);
  });

  it('keeps the known ranks when the source carries none (a Get Accounts row)', () => {
    const { change, next } = diffAccount(known, seen({ ranks: null }), names);
    assert.equal(change, null);
    assert.deepEqual(next.ranks, ['officer']);
  });

  it('shows the ranks a push event carries when the snapshot had none (read from a Get Accounts row)', () => {
    const withoutRanks = { ...known, ranks: null };
    assert.deepEqual(
      diffAccount(withoutRanks, seen({ ranks: ['sergeant'] }), names).change?.details,
      ['ranks now: Police: Sergeant'],
    );
    const read: AccountObservation = {
      kind: 'state',
      source: 'reconciliation',
      at: 1,
      account: { ...known, ranks: ['sergeant'] },
    };
    assert.equal(
      diffAccount(withoutRanks, read, names).change,
      null,
      'a read fills them in quietly',
    );
  });

  it('shows a first sighting as the current state, with names', () => {
    const { change } = diffAccount(null, seen({}), names);
    assert.equal(change?.firstSighting, true);
    assert.deepEqual(change?.details, ['status: member', 'Police: Officer']);
  });
});
