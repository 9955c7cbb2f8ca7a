import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { describe, it } from 'node:test';
import { SANDBOX_MEMBERS } from '../../src/cms/emulator/seed.js';

const officer = SANDBOX_MEMBERS.officer;

function spawnCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cms/emulator/cli.ts', ...args], {
    stdio: 'pipe',
  });
}

/** The whole banner (its last line names the stats URL); rejects if the process exits first. */
function started(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (/stats at \S+\n/.test(text)) resolve(text);
    });
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${text}`)));
  });
}

/** The exit code and all output of a run that ends by itself. */
function finished(
  child: ChildProcessWithoutNullStreams,
): Promise<{ code: number | null; text: string }> {
  return new Promise((resolve) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('exit', (code) => resolve({ code, text }));
  });
}

describe('CMS emulator command line', () => {
  it('starts, prints its URL and credentials, and applies --v1-limits', async () => {
    const child = spawnCli([
      '--port',
      '0',
      '--api-key',
      'cli-test-key',
      '--window-ms',
      '5000',
      '--v1-limits',
      'v1.kickAccount=2',
    ]);
    try {
      const output = await started(child);
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      assert.ok(url, output);
      assert.match(output, /CMS_API_KEY=cli-test-key/);
      assert.match(output, /CMS_COMMUNITY_ID=sandbox-community/);
      assert.match(output, /v1 twins share their v2 budget/);
      const response = await fetch(`${url}/v2/community`, {
        headers: { authorization: 'Bearer cli-test-key' },
      });
      assert.equal(response.status, 200);
      const kick = () =>
        fetch(`${url}/general/kick_account`, {
          method: 'POST',
          body: JSON.stringify({
            id: 'sandbox-community',
            key: 'cli-test-key',
            type: 'KICK_ACCOUNT',
            data: [{ accId: officer }],
          }),
        });
      assert.deepEqual(
        [(await kick()).status, (await kick()).status, (await kick()).status],
        [200, 200, 429],
        '--v1-limits sets the v1 limit',
      );
      const stats = (await (await fetch(`${url}/__emulator/stats`)).json()) as {
        windowMs: number;
        blockSeconds: number;
        separateTwins: boolean;
      };
      assert.deepEqual(
        [stats.windowMs, stats.blockSeconds, stats.separateTwins],
        [5000, 3600, false],
      );
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('meters twins apart with --separate-twins', async () => {
    const child = spawnCli(['--port', '0', '--separate-twins']);
    try {
      const output = await started(child);
      assert.match(output, /v1 twins metered apart/);
      const url = /listening on (http:\/\/\S+)/.exec(output)![1];
      const stats = (await (await fetch(`${url}/__emulator/stats`)).json()) as {
        separateTwins: boolean;
      };
      assert.equal(stats.separateTwins, true);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it("refuses a --v1-limits override for a v1 operation that shares its twin's budget", async () => {
    const { code, text } = await finished(
      spawnCli(['--port', '0', '--v1-limits', 'v1.getComAccount=5']),
    );
    assert.equal(code, 1);
    assert.match(
      text,
      /--v1-limits: "v1\.getComAccount" shares the budget of its v2 twin getAccount \(27\/min\) and takes no override/,
    );
  });

  it('documents --separate-twins in --help', async () => {
    const { code, text } = await finished(spawnCli(['--help']));
    assert.equal(code, 0);
    assert.match(text, /--separate-twins\s+meter each v1 operation in its own window/);
  });
});
