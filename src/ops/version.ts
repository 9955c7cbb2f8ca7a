import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../config.js';

let version: string | undefined;

/** The bot's version: package.json's, which the image ships beside dist/. */
export function botVersion(): string {
  if (version === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
        version?: unknown;
      };
      version = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
