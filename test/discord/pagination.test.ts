import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MessageComponentInteraction } from 'discord.js';
import { parseCustomId } from '../../src/discord/custom-id.js';
import {
  ONLY_INVOKER,
  pageButtons,
  pageOf,
  refuseOthers,
  targetPage,
} from '../../src/discord/pagination.js';

const letters = 'abcdefghijklmnopq'.split('');
const target = { command: 'whitelist', invokerId: '42', args: ['2'] };

function buttonsOf(rows: ReturnType<typeof pageButtons>) {
  return rows.flatMap(
    (row) => row.toJSON().components as { custom_id: string; disabled?: boolean }[],
  );
}

describe('pagination', () => {
  it('cuts pages and clamps a page number that no longer exists', () => {
    assert.deepEqual(pageOf(letters, 1, 15), { items: ['p', 'q'], page: 1, pages: 2 });
    assert.equal(pageOf(letters, 9, 15).page, 1, 'past the end: the last page');
    assert.equal(pageOf(letters, -3, 15).page, 0);
    assert.deepEqual(pageOf([], 0, 15), { items: [], page: 0, pages: 1 });
  });

  it('draws no buttons for one page, and distinct ids leading one page on or back', () => {
    assert.deepEqual(pageButtons(target, { page: 0, pages: 1 }), []);
    const [previous, next] = buttonsOf(pageButtons(target, { page: 0, pages: 2 }));
    assert.equal(previous!.disabled, true, 'nothing before the first page');
    assert.equal(next!.disabled, false);
    assert.notEqual(previous!.custom_id, next!.custom_id);
    const id = parseCustomId(next!.custom_id)!;
    assert.deepEqual(id, {
      command: 'whitelist',
      action: 'page',
      invokerId: '42',
      args: ['2', '1'],
    });
    assert.equal(targetPage(id), 1);
    const [, last] = buttonsOf(pageButtons(target, { page: 1, pages: 2 }));
    assert.equal(last!.disabled, true, 'nothing after the last page');
  });

  it('lets the invoker through and answers anyone else privately', async () => {
    const replies: unknown[] = [];
    const click = (userId: string) =>
      ({
        user: { id: userId },
        reply: async (options: unknown) => void replies.push(options),
      }) as unknown as MessageComponentInteraction;
    assert.equal(await refuseOthers(click('42'), '42'), false);
    assert.deepEqual(replies, []);
    assert.equal(await refuseOthers(click('7'), '42'), true);
    assert.deepEqual(replies, [{ content: ONLY_INVOKER, flags: 64 }]);
  });
});
