import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { budgetName, listOperations, type OperationName } from '../../src/cms/catalog/index.js';
import { CmsClient } from '../../src/cms/client.js';
import { startCmsEmulator, type CmsEmulator } from '../../src/cms/emulator/server.js';

/** Operations whose example needs another call first: the session ones need a running session. */
const PREREQUISITES: Partial<Record<OperationName, OperationName>> = {
  getCurrentSession: 'startSession',
  stopSession: 'startSession',
  cancelSession: 'startSession',
  'v1.getCurrentSession': 'v1.startSession',
  'v1.stopSession': 'v1.startSession',
  'v1.cancelSession': 'v1.startSession',
};

describe('every catalog operation against the emulator, with the docs example input', () => {
  let emulator: CmsEmulator;
  let client: CmsClient;
  const operations = listOperations();
  const byName = new Map(operations.map((op) => [op.name, op]));

  before(async () => {
    emulator = await startCmsEmulator();
    client = new CmsClient({
      baseUrl: emulator.url,
      apiKey: emulator.apiKey,
      communityId: emulator.communityId,
      timeoutMs: 5_000,
    });
  });
  after(() => emulator.close());

  for (const op of operations) {
    it(`${op.name} (${op.version === 'v2' ? `${op.method} ${op.path}` : `POST ${op.path}`})`, async () => {
      emulator.reset();
      const prerequisite = PREREQUISITES[op.name];
      if (prerequisite) await client.call(prerequisite, byName.get(prerequisite)!.example as never);

      // The client validates the answer against the catalog's output schema, so success here
      // means the emulator's answer has the documented shape.
      const result = await client.call(op.name, op.example as never);
      if (op.version === 'v2' && op.successStatus === 204) assert.equal(result, null);
      else assert.notEqual(result, undefined);

      // A v1 twin is counted in its v2 twin's budget row.
      const counted = emulator.limiter.stats().find((s) => s.operation === budgetName(op.name));
      assert.deepEqual(
        counted?.requestsByOperation,
        { [op.name]: 1 },
        'the emulator saw exactly one request for the operation',
      );
      assert.equal(counted?.rateLimited, 0);
    });
  }
});
