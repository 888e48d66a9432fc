import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppMetrics } from './app-metrics';

/** The dashboard in deploy/grafana is only useful while it queries metrics the apps export. */
describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(join(__dirname, '../../../../deploy/grafana/dashboards/bin-alert.json'), 'utf8'));
  const expressions: string[] = dashboard.panels.flatMap((p: { targets?: Array<{ expr: string }> }) => (p.targets ?? []).map((t) => t.expr));

  it('queries only metrics the apps export', async () => {
    const exported = new Set([...(await new AppMetrics('any').scrape()).matchAll(/^# TYPE (\S+) (\w+)$/gm)].map((m) => m[1]));
    const queried = new Set(expressions.flatMap((e) => [...e.matchAll(/\b((?:bin|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1].replace(/_(bucket|sum|count)$/, ''))));
    expect([...queried].filter((name) => !exported.has(name))).toEqual([]);
    expect(queried.size).toBeGreaterThan(10);
  });

  it('has a panel for each thing an operator watches', () => {
    const all = expressions.join('\n');
    for (const name of [
      'bin_delivery_outcomes_total',
      'bin_deliveries_planned_total',
      'bin_provider_call_duration_seconds_bucket',
      'bin_kafka_consumer_lag_messages',
      'bin_dead_letters_total',
      'bin_outbox_pending_records',
      'bin_rate_limit_wait_seconds_bucket',
    ]) {
      expect(all).toContain(name);
    }
  });
});
