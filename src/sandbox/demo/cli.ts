import { parseArgs } from 'node:util';
import { displayUrl } from '../../logger.js';
import { Interrupted, lifecycle } from '../../shutdown.js';
import { SANDBOX_GUILD } from '../../dev/sandbox-guild.js';
import { runScenario } from './run.js';
import { scenario } from './scenario.js';
import { humanize } from './transcript.js';
import { startDemoWorld } from './world.js';

/**
 * `npm run demo`: the real bot between the CMS emulator and the Discord emulator, with nothing
 * to configure, playing a scripted scenario (scenario.ts) and printing what each person sees.
 * Exits 0 only if every step saw what it expected; whatever way it ends, it stops everything
 * it started.
 */

const USAGE = `npm run demo -- [--step-delay-ms 0] [--verbose]

  --step-delay-ms <n>  pause after each step, to follow along (default 0)
  --verbose            also print every response the bot made (defers, notices, edits)
  LOG_LEVEL=info       the bot's own log, on stderr (default warn)`;

class UsageError extends Error {}

function parseFlags(args: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'step-delay-ms': { type: 'string', default: '0' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const delay = values['step-delay-ms'];
  if (!/^\d+$/.test(delay)) throw new UsageError('--step-delay-ms must be a whole number of ms');
  return {
    stepDelayMs: Number(delay),
    verbose: values.verbose ?? false,
    help: values.help ?? false,
  };
}

async function main(): Promise<number> {
  const life = lifecycle({
    onStepError: (error) =>
      console.error(`demo: a part did not stop cleanly: ${(error as Error).message}`),
  });
  try {
    const flags = parseFlags(process.argv.slice(2));
    if (flags.help) {
      console.log(USAGE);
      return 0;
    }
    const startedAt = Date.now();
    const world = await startDemoWorld(life, process.env.LOG_LEVEL || 'warn');
    const commands = world.discord.registeredCommands(SANDBOX_GUILD.guild).map((c) => `/${c.name}`);
    console.log(`Demo: the bot between the CMS emulator and the Discord emulator (Blaine County Roleplay)
  Redis             ${displayUrl(world.redis.url)}${world.redis.owned ? ' (own redis-server, discarded on exit)' : ''}
  CMS emulator      ${world.cms.url}
  Discord emulator  ${world.discord.apiUrl}
  Commands          ${commands.join(', ')} (registered in the guild by the bot at start)
  Ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s. ▸ what a member does, ◂ what they see.`);
    if (flags.verbose) {
      // Every callback, notice and edit as it happens, beside the steps' final views.
      world.discord.on('transcript', (line) =>
        console.log(`    │ ${humanize(line, world.name).replace(/\n/g, '\n    │ ')}`),
      );
    }

    const result = await life.wait(
      runScenario(world, scenario, { print: (line) => console.log(line), ...flags }),
    );
    const others = result.unclaimedPosts();
    if (others.length > 0) console.log(`\nThe bot also posted:\n${others.join('\n')}`);
    if (result.failed) {
      console.log(
        `\n✗ Step ${result.failed.number} of ${result.total} did not go as expected (${result.passed} passed before it).`,
      );
      return 1;
    }
    console.log(
      `\n✓ All ${result.total} steps went as expected, in ${((Date.now() - startedAt) / 1000).toFixed(1)} s.`,
    );
    return 0;
  } catch (error) {
    if (error instanceof Interrupted) {
      console.error('demo: interrupted');
      return 130;
    }
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await life.close();
  }
}

process.exitCode = await main();
// Nothing is left running; a stray timer must not keep the process alive.
process.exit();
