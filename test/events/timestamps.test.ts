import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCmsTimestamp } from '../../src/cms/emulator/views.js';
import { parseCmsTimestamp } from '../../src/events/cms/timestamps.js';

describe('push event times', () => {
  it("reads the docs' format with its offset, and ISO 8601 with a zone", () => {
    const docs = Date.parse('2022-02-23T04:28:40.000Z');
    assert.equal(parseCmsTimestamp('2022-02-22 20:28:40.000 -0800'), docs);
    assert.equal(parseCmsTimestamp('2022-02-22 20:28:40 -0800'), docs);
    assert.equal(parseCmsTimestamp('2022-02-23 10:28:40.000 +0600'), docs);
    assert.equal(parseCmsTimestamp('2022-02-23T04:28:40.000Z'), docs);
    assert.equal(parseCmsTimestamp('2022-02-22T20:28:40-08:00'), docs);
  });

  it('refuses a time without a zone, an impossible date, and other text', () => {
    for (const text of [
      '2022-02-22 20:28:40.000',
      '2022-02-22T20:28:40',
      '2022-13-22 20:28:40.000 -0800',
      '22/02/2022 20:28',
      '',
    ])
      assert.ok(Number.isNaN(parseCmsTimestamp(text)), text);
  });

  it("writes the docs' format (the emulator's push events), read back to the same instant", () => {
    const at = Date.parse('2022-02-23T04:28:40.000Z');
    assert.equal(formatCmsTimestamp(at), '2022-02-22 20:28:40.000 -0800');
    assert.equal(formatCmsTimestamp(at, 0), '2022-02-23 04:28:40.000 +0000');
    assert.equal(formatCmsTimestamp(at, 330), '2022-02-23 09:58:40.000 +0530');
    for (const ms of [0, at, Date.parse('2026-11-20T21:40:00.123Z')])
      for (const offset of [-480, 0, 330])
        assert.equal(parseCmsTimestamp(formatCmsTimestamp(ms, offset)), ms);
  });
});
