import { startCmsEmulator, type CmsEmulator } from '../cms/emulator/server.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/**
 * SANDBOX=true without CMS_API_URL: the CMS emulator, seeded with the sandbox community, in this
 * process on a free loopback port, with the configured window. Answers the config pointed at it.
 */
export async function startBuiltInCms<C extends Config>(
  config: C,
  logger: Logger,
): Promise<{ config: C; emulator: CmsEmulator }> {
  const emulator = await startCmsEmulator({
    port: 0,
    apiKey: config.cms.apiKey,
    communityId: config.cms.communityId,
    windowMs: config.pacing.windowMs,
    logger: logger.child({ component: 'cms-emulator' }),
  });
  return { config: { ...config, cms: { ...config.cms, baseUrl: emulator.url } }, emulator };
}
