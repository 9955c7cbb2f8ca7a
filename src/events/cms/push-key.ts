import { hash, timingSafeEqual } from 'node:crypto';

function digest(text: string): Buffer {
  return hash('sha256', text, 'buffer');
}

/**
 * Checks the `key` of a push event against the community's API key in constant time: both are
 * hashed first, so the comparison never depends on where they differ nor on their lengths (and
 * timingSafeEqual, which throws on buffers of different lengths, always gets two of 32 bytes).
 */
export function pushKeyChecker(apiKey: string): (given: unknown) => boolean {
  const expected = digest(apiKey);
  return (given) => typeof given === 'string' && timingSafeEqual(digest(given), expected);
}
