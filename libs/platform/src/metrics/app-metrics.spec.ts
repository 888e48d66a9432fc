import { AppMetrics } from './app-metrics';
import { routeTemplate } from '../observability/request-context.middleware';

describe('AppMetrics', () => {
  it('exports the domain metrics and the process defaults, labelled with the app', async () => {
    const metrics = new AppMetrics('dispatcher-sms');
    metrics.deliveriesPlanned.inc({ channel: 'sms', lane: 'urgent' }, 3);
    const text = await metrics.scrape();
    expect(text).toContain('bin_deliveries_planned_total{channel="sms",lane="urgent",app="dispatcher-sms"} 3');
    for (const name of [
      'bin_http_request_duration_seconds',
      'bin_alerts_issued_total',
      'bin_deliveries_suppressed_total',
      'bin_provider_calls_total',
      'bin_provider_call_duration_seconds',
      'bin_delivery_status_reached_total',
      'bin_message_retries_total',
      'bin_dead_letters_total',
      'bin_rate_limit_wait_seconds',
      'bin_outbox_pending_records',
      'bin_outbox_oldest_pending_age_seconds',
      'bin_kafka_consumer_lag_messages',
      'process_cpu_seconds_total',
    ])
      expect(text).toContain(`# TYPE ${name} `);
  });

  it('keeps two apps in one process apart', async () => {
    const intake = new AppMetrics('intake');
    const tracker = new AppMetrics('tracker');
    intake.alertsIssued.inc({ category: 'burglary', urgency: 'normal' });
    expect(await tracker.scrape()).not.toContain('bin_alerts_issued_total{');
    expect(await intake.scrape()).toContain('bin_alerts_issued_total{category="burglary",urgency="normal",app="intake"} 1');
  });

  it('refreshes gauges on scrape, and a failing or hanging refresh does not fail the scrape', async () => {
    const metrics = new AppMetrics('intake');
    metrics.refreshOnScrape(async () => metrics.outboxPending.set(4));
    metrics.refreshOnScrape(async () => Promise.reject(new Error('database away')));
    metrics.refreshOnScrape(() => new Promise<void>(() => undefined));
    expect(await metrics.scrape(50)).toContain('bin_outbox_pending_records{app="intake"} 4');
  });
});

describe('routeTemplate', () => {
  it('names the matched route, never the path with its ids', () => {
    expect(routeTemplate({ baseUrl: '', route: { path: '/v1/alerts/:id' } })).toBe('/v1/alerts/:id');
    expect(routeTemplate({ baseUrl: '/api', route: { path: '/health' } })).toBe('/api/health');
  });

  it('puts every unmatched request under one label', () => {
    expect(routeTemplate({ baseUrl: '' })).toBe('unmatched');
  });
});
