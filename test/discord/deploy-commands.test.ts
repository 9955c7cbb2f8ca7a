import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runDeployCommands } from '../../deploy-commands.js';
import { commands } from '../../src/commands/index.js';
import { ConfigError } from '../../src/config.js';
import { isMainModule } from '../../src/main-module.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('deploy-commands', () => {
  const requests: {
    method: string;
    path: string;
    authorization: string | undefined;
    body: unknown;
  }[] = [];
  let api = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
      requests.push({
        method: req.method!,
        path: req.url!,
        authorization: req.headers.authorization,
        body,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? []));
    });
  });
  const bot = { DISCORD_TOKEN: 'test-bot-token', DISCORD_CLIENT_ID: '111111111111111111' };

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("replaces the guild's commands with the registry's definitions, as the bot, needing no CMS settings", async () => {
    requests.length = 0;
    const report = await runDeployCommands(
      { ...bot, DISCORD_GUILD_ID: '222222222222222222', CMS_TIMEOUT_MS: 'soon' },
      api,
    );
    assert.equal(requests.length, 1);
    const [request] = requests;
    assert.equal(request!.method, 'PUT');
    assert.equal(
      request!.path,
      '/api/v10/applications/111111111111111111/guilds/222222222222222222/commands',
    );
    assert.equal(request!.authorization, 'Bot test-bot-token');
    // What goes over the wire is the JSON of each definition (keys left undefined are not sent).
    assert.deepEqual(
      request!.body,
      JSON.parse(JSON.stringify(commands.map((c) => c.data.toJSON()))),
    );
    assert.match(
      report,
      new RegExp(
        `^Registered ${commands.length} slash command\\(s\\) with guild 222222222222222222, replacing what was there: `,
      ),
    );
  });

  it('registers global commands when no guild is set', async () => {
    requests.length = 0;
    const report = await runDeployCommands(bot, api);
    assert.deepEqual(
      requests.map((r) => `${r.method} ${r.path}`),
      ['PUT /api/v10/applications/111111111111111111/commands'],
    );
    assert.match(report, /with every guild \(global commands\)/);
  });

  it('lists every missing Discord setting at once, and asks for nothing else', async () => {
    requests.length = 0;
    await assert.rejects(
      runDeployCommands({ DISCORD_CLIENT_ID: 'my-app' }, api),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems, [
          'DISCORD_TOKEN: is required',
          'DISCORD_CLIENT_ID: must be a Discord id (17 to 20 digits)',
        ]);
        return true;
      },
    );
    assert.equal(requests.length, 0);
  });
});

describe('deploy-commands as a script', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('knows it is the main module from a path with a space or through a symlink', () => {
    mkdirSync(join(dir, 'a folder'));
    const file = join(dir, 'a folder', 'entry.ts');
    writeFileSync(file, '');
    symlinkSync(join(dir, 'a folder'), join(dir, 'linked folder'));
    const url = pathToFileURL(file).href;
    assert.match(url, /a%20folder/, 'the URL text differs from the path');
    assert.equal(isMainModule(url, file), true);
    assert.equal(isMainModule(url, join(dir, 'linked folder', 'entry.ts')), true);
    assert.equal(isMainModule(url, join(dir, 'a folder', 'other.ts')), false);
    assert.equal(isMainModule(url, undefined), false);
  });

  it('runs when the checkout path holds a space', async () => {
    const checkout = join(dir, 'my bots', 'sonoran');
    mkdirSync(dirname(checkout));
    symlinkSync(root, checkout);
    // An invalid client id stops it before any request: it ran, and nothing reached Discord.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(checkout, 'deploy-commands.ts')],
      {
        cwd: checkout,
        env: {
          ...process.env,
          DISCORD_TOKEN: 'script-test-token',
          DISCORD_CLIENT_ID: 'not-an-id',
          DISCORD_GUILD_ID: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 1, output);
    assert.match(output, /DISCORD_CLIENT_ID: must be a Discord id/);
    assert.doesNotMatch(output, /script-test-token|CMS_/);
  });
});
