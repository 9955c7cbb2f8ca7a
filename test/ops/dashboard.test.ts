import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { BotHarness } from '../helpers/bot-harness.js';
import { declaredFamilies, scrape, startOpsHarness } from './ops-harness.js';
import { metricNames } from './promql-names.js';

interface Panel {
  title: string;
  targets?: { expr?: string }[];
}

const dashboard = JSON.parse(
  readFileSync(new URL('../../ops/grafana-dashboard.json', import.meta.url), 'utf8'),
) as { panels: Panel[] };

const exprs = dashboard.panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr ?? '' })),
);

describe('the example Grafana dashboard (ops/grafana-dashboard.json)', () => {
  let harness: BotHarness & { opsUrl: string };

  before(async () => {
    harness = await startOpsHarness();
  });
  after(() => harness.stop());

  it('reads metric names out of PromQL', () => {
    assert.deepEqual(
      metricNames(
        'histogram_quantile(0.95, sum by (le, operation) (rate(a_seconds_bucket{x="y"}[$__rate_interval]))) / b_total offset 5m',
      ),
      ['a_seconds_bucket', 'b_total'],
    );
    assert.deepEqual(metricNames('time() - c_timestamp_seconds > 1e3'), ['c_timestamp_seconds']);
  });

  it('names only metrics the bot serves on /metrics', async () => {
    assert.ok(exprs.length >= 20, `the dashboard has its queries (${exprs.length})`);
    const families = declaredFamilies((await scrape(harness.opsUrl)).text);
    const served = (name: string) =>
      families.has(name) || families.has(name.replace(/_(bucket|sum|count)$/, ''));
    const missing = exprs.flatMap(({ panel, expr }) => {
      const names = metricNames(expr);
      assert.ok(names.length > 0, `"${panel}" selects a metric: ${expr}`);
      return names.filter((name) => !served(name)).map((name) => `${name} (in "${panel}")`);
    });
    assert.deepEqual(missing, []);
  });
});
