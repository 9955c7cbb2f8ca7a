import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';

/** The README's quick start: `npm run sandbox` works with nothing configured. */
describe('sandbox', () => {
  it('runs the CMS side of the bot against the embedded emulator and a throwaway Redis', async () => {
    // Only the tour: `--once` exits after it; port 0 avoids clashing with a sandbox you run yourself.
    const child = spawn('npm', ['run', '--silent', 'sandbox', '--', '--once', '--port', '0'], {
      env: { ...process.env, CMS_API_KEY: '', DISCORD_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, output);
    assert.match(output, /Sandbox ready/);
    assert.match(output, /Discord user 734918273645019283 is Tom Brooks in the CMS/);
    assert.match(output, /Clocked Tom Brooks in \(patrol\); Get Current Clock In now says: on duty since/);
    assert.match(output, /Queued 18 roster reads \(limit 9 per window/);
    assert.match(output, /Tour done: 5 CMS requests sent, 0 refused for rate limits\./);
  });
});
