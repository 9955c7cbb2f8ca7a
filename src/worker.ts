import { loadConfig } from './config.js';
import { runEntryPoint } from './entry-point.js';
import { startCmsWorkers } from './queue/index.js';

/**
 * `npm run worker`: a process that only sends queued CMS calls. Run more of them (here or on
 * other hosts sharing the Redis) for resilience; the pacing holds across all of them. Needs the
 * CMS side of the configuration only; SANDBOX=true without CMS_API_URL sends to a built-in CMS
 * emulator.
 */
process.exitCode = await runEntryPoint({
  name: 'cms-worker',
  runs: 'CMS workers',
  loadConfig: () => loadConfig(),
  start: startCmsWorkers,
  stop: (workers) => workers.close(),
  // Closing workers lets the calls on the wire (CMS_TIMEOUT_MS) finish.
  stopStepMs: 25_000,
});
// Anything still open (a Redis retry timer) must not keep a stopped worker alive.
process.exit();
