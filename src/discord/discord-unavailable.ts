import { DiscordAPIError, HTTPError } from 'discord.js';
import { CmsError } from '../cms/errors.js';
import { NETWORK_ERROR_CODES } from '../network-errors.js';

/**
 * Discord's API failed a request (a 5xx after discord.js's retries, a timeout, no connection),
 * as opposed to refusing it, or to the CMS or Redis failing: those have answers of their own
 * (see cms-error-text.ts and the Redis outage line).
 */
export function discordUnavailable(error: unknown): boolean {
  if (error instanceof CmsError) return false;
  if (error instanceof HTTPError || error instanceof DiscordAPIError) return error.status >= 500;
  // discord.js's REST: a request that timed out, or whose connection failed (undici's
  // "fetch failed", with the socket's code as its cause; a Redis error carries the code itself).
  const { name, cause } = (error ?? {}) as { name?: string; cause?: { code?: string } };
  return name === 'AbortError' || NETWORK_ERROR_CODES.has(cause?.code ?? '');
}
