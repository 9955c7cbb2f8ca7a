import { once } from 'node:events';
import type { Client } from 'discord.js';
import type { CheckName, CheckResult } from '../../src/ops/readiness.js';
import {
  startBotHarness,
  type BotHarness,
  type BotHarnessOptions,
} from '../helpers/bot-harness.js';
import { freePort } from '../helpers/redis.js';

/** The real bot with its ops server on a free loopback port (OPS_HOST's default). */
export async function startOpsHarness(
  options: BotHarnessOptions = {},
): Promise<BotHarness & { opsUrl: string }> {
  const port = await freePort();
  const harness = await startBotHarness({
    ...options,
    env: { OPS_PORT: String(port), ...options.env },
  });
  if (!harness.bot.opsUrl) throw new Error('the bot did not start its ops server');
  return Object.assign(harness, { opsUrl: harness.bot.opsUrl });
}

/** What /readyz answers (and /healthz, its `status` alone). */
export interface OpsBody {
  status: string;
  failed: CheckName[];
  checks: Record<CheckName, CheckResult>;
}

export async function getJson(url: string): Promise<{ status: number; body: OpsBody }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as OpsBody };
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition. */
export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g))
      labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The metric families an exposition declares (`# TYPE name type`). */
export function declaredFamilies(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((match) => match[1]!));
}

/** The value of the one sample with this name and (at least) these labels; undefined if none. */
export function valueOf(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return samples.find(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  )?.value;
}

export async function scrape(opsUrl: string): Promise<{ text: string; samples: Sample[] }> {
  const response = await fetch(`${opsUrl}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const text = await response.text();
  return { text, samples: parseSamples(text) };
}

/** Resolves at the client's next `event` (registered before whatever causes it). */
export function nextClientEvent(client: Client, event: string): Promise<unknown[]> {
  return once(client, event);
}
