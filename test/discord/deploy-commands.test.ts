import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { deployCommands } from '../../deploy-commands.js';
import { commands } from '../../src/commands/index.js';

describe('deploy-commands', () => {
  const requests: { method: string; path: string; authorization: string | undefined; body: unknown }[] = [];
  let api = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
      requests.push({ method: req.method!, path: req.url!, authorization: req.headers.authorization, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? []));
    });
  });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("replaces the guild's commands with the registry's definitions, as the bot", async () => {
    const count = await deployCommands({ token: 'test-bot-token', clientId: '111111111111111111', guildId: '222222222222222222', api });
    assert.equal(count, commands.length);
    assert.equal(requests.length, 1);
    const [request] = requests;
    assert.equal(request!.method, 'PUT');
    assert.equal(request!.path, '/api/v10/applications/111111111111111111/guilds/222222222222222222/commands');
    assert.equal(request!.authorization, 'Bot test-bot-token');
    assert.deepEqual(request!.body, commands.map((c) => c.data.toJSON()));
  });
});
