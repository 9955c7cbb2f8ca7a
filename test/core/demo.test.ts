import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';

/** `npm run demo` is the README's "try it": it must pass as it stands. */
describe('npm run demo', () => {
  it('plays its whole scenario against the real bot and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/demo/cli.ts'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /✓ All \d+ steps went as expected/);
    assert.doesNotMatch(stdout, /✗/);
  });
});
