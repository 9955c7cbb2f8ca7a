import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { listOperations } from '../../src/cms/catalog/index.js';

/** The v2 operation table copied from Sonoran's docs (see the fixture's first line for its source). */
function documentedOperations(): Map<string, string> {
  const text = readFileSync(new URL('./fixtures/v2-operations.tsv', import.meta.url), 'utf8');
  const [header, ...rows] = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  assert.equal(
    header,
    'operationId\tmethod\tpath\tlimitPerMinute',
    'the fixture keeps its columns',
  );
  return new Map(
    rows.map((row) => {
      const [name, method, path, limit] = row.split('\t');
      return [name!, `${method} ${path} ${limit}/min`];
    }),
  );
}

describe('CMS catalog against the docs', () => {
  it('has exactly the documented v2 operations, with their method, path and limit', () => {
    const documented = documentedOperations();
    assert.equal(documented.size, 57, 'the fixture holds every v2 operation once');
    const catalog = new Map(
      listOperations().flatMap((op) =>
        op.version === 'v2'
          ? [[op.name as string, `${op.method} ${op.path} ${op.limitPerMinute}/min`] as const]
          : [],
      ),
    );
    // One assertion over both tables names every drift at once: missing, extra or changed rows.
    assert.deepEqual(
      Object.fromEntries([...catalog].sort()),
      Object.fromEntries([...documented].sort()),
    );
  });
});
