import { createHash } from 'node:crypto';

/**
 * A short, stable name for a secret (an API key): safe to log, show in stats and use in Redis
 * key names, and useless for recovering the secret.
 */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}
