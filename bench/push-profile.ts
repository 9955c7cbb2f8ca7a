import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * `--cpu-profile <file>`: a V8 CPU profile of this process (the bot and the emulators) for the
 * accepts only, to open in Chrome DevTools or speedscope.
 */
export async function startCpuProfile(): Promise<(file: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return async (file) => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}
