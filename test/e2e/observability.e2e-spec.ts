import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { startIntake } from '../../apps/intake/src/start-intake';
import { asAalstOperator } from '../support/access-tokens';
import { aMember } from '../support/member.builder';
import { freePort } from '../../bench/src/support/free-port';
import { metricNames, metricValue } from '../support/prometheus-text';
import { RunningStack, startStack } from '../support/running-stack';
import { waitFor } from '../../bench/src/support/wait-for';

interface LogLine {
  level: string;
  context?: string;
  message: unknown;
  correlationId?: string;
}

/**
 * Issue 5, observability: every app answers /metrics and /health (live and ready), and one
 * alert can be followed by its correlation id through the JSON logs of intake, the dispatchers
 * and the tracker (ADR 0010) — on the real PostgreSQL, Redis and Kafka.
 */
describe('observability: metrics, health and one correlation id through every app', () => {
  let stack: RunningStack;
  const stdout: string[] = [];
  const originalWrite = process.stdout.write.bind(process.stdout);
  const anna = { mobile: '+32470009101', email: 'anna.obs@example.be', phone: '+3253719101' };
  const bruno = { mobile: '+32470009102', email: 'bruno.obs@example.be' };

  beforeAll(async () => {
    // The apps' JSON lines are kept, not shown; anything else goes through.
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.startsWith('{')) {
        stdout.push(...text.split('\n').filter(Boolean));
        return true;
      }
      return (originalWrite as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    stack = await startStack({ LOG_FORMAT: 'json', LOG_LEVEL: 'debug' });
    await aMember('Anna').inBins('herdersem').withMobile(anna.mobile).withEmail(anna.email).withPhone(anna.phone).save(stack.members);
    await aMember('Bruno').inBins('herdersem').withMobile(bruno.mobile, false).withEmail(bruno.email).save(stack.members);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    process.stdout.write = originalWrite;
  });

  const appUrls = async (): Promise<Record<string, string>> => {
    const all: Record<string, string> = { intake: stack.intakeUrl, tracker: stack.trackerUrl, 'provider-sim': stack.sim.url };
    for (const [channel, app] of stack.dispatchers) all[`dispatcher-${channel}`] = await app.getUrl();
    return all;
  };
  const logLines = (): LogLine[] =>
    stdout.flatMap((l) => {
      try {
        return [JSON.parse(l) as LogLine];
      } catch {
        return [];
      }
    });
  const scrape = async (url: string) => {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return res.text();
  };

  const correlationId = `obs-e2e-${randomUUID()}`;
  let alertId: string;

  it('follows an alert by its correlation id from intake through Kafka and the providers to the tracker', async () => {
    const res = await fetch(`${stack.intakeUrl}/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId, ...asAalstOperator() },
      body: JSON.stringify({
        category: 'missing_person',
        urgency: 'urgent',
        bins: ['herdersem'],
        texts: { nl: { title: 'Vermiste jongen', body: 'Lucas (8) draagt een rode jas. Bel 101.' } },
      }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-correlation-id')).toBe(correlationId);
    alertId = ((await res.json()) as { id: string }).id;

    // Delivered on every channel: the callbacks came back through the tracker, which applied them.
    await waitFor(
      async () => (await (await fetch(`${stack.intakeUrl}/v1/alerts/${alertId}`, { headers: asAalstOperator() })).json()) as any,
      (a) => a.deliveries?.sms?.byStatus?.delivered === 1 && a.deliveries?.email?.byStatus?.delivered === 2 && a.deliveries?.voice?.byStatus?.delivered === 1,
      { what: 'deliveries of the alert delivered', timeoutMs: 60_000 },
    );
    const contextsWithId = () => [
      ...new Set(
        logLines()
          .filter((l) => l.correlationId === correlationId)
          .map((l) => l.context),
      ),
    ];
    const expected = [
      'alerts', // intake: the alert issued
      'expander-sms',
      'expander-email',
      'expander-voice', // each dispatcher's expansion of the Kafka alert event
      'sender-sms',
      'sender-email',
      'sender-voice', // each sender's job, after the provider calls
      'status-events', // the tracker: a provider's status callback, looked up by delivery
      'delivery-statuses', // the tracker: the statuses applied before they are published
    ];
    await waitFor(
      async () => contextsWithId(),
      (seen) => expected.every((c) => seen.includes(c)),
      { what: `log lines with ${correlationId} from ${expected.join(', ')}` },
    );

    // Every line that names the alert carries its correlation id, whichever app wrote it.
    const aboutAlert = logLines().filter((l) => JSON.stringify(l.message).includes(alertId));
    expect(aboutAlert.length).toBeGreaterThan(expected.length);
    expect(aboutAlert.filter((l) => l.correlationId !== correlationId)).toEqual([]);
    // Contact data never reaches a log line.
    const everything = stdout.join('\n');
    for (const contact of [anna.mobile, anna.email, anna.phone, bruno.mobile, bruno.email]) expect(everything).not.toContain(contact);
  });

  it("every app answers /metrics with its own counts in the domain's words", async () => {
    const all = await appUrls();
    const text: Record<string, string> = {};
    for (const [app, url] of Object.entries(all)) {
      text[app] = await scrape(url);
      // Default process metrics and request timing everywhere, labelled with the app.
      for (const name of ['process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds', 'bin_http_request_duration_seconds']) expect(metricNames(text[app]).has(name)).toBe(true);
      expect(text[app]).toContain(`app="${app}"`);
    }

    const intake = text.intake;
    expect(metricValue(intake, 'bin_alerts_issued_total', { category: 'missing_person', urgency: 'urgent' })).toBe(1);
    expect(metricValue(intake, 'bin_http_request_duration_seconds_count', { method: 'POST', route: '/v1/alerts', status_code: '201' })).toBe(1);
    expect(metricValue(intake, 'bin_http_request_duration_seconds_count', { method: 'GET', route: '/v1/alerts/:id', status_code: '200' })).toBeGreaterThan(0);
    expect(intake).toMatch(/^bin_outbox_pending_records\{app="intake"\} 0$/m);
    expect(intake).toMatch(/^bin_outbox_oldest_pending_age_seconds\{app="intake"\} 0$/m);

    for (const channel of ['sms', 'email', 'voice']) {
      const d = text[`dispatcher-${channel}`];
      expect(metricValue(d, 'bin_provider_calls_total', { channel, outcome: 'accepted' })).toBeGreaterThan(0);
      expect(metricValue(d, 'bin_provider_call_duration_seconds_count', { channel, outcome: 'accepted' })).toBeGreaterThan(0);
      expect(metricValue(d, 'bin_delivery_outcomes_total', { channel, lane: 'urgent', outcome: 'accepted' })).toBe(channel === 'email' ? 2 : 1);
      expect(metricValue(d, 'bin_rate_limit_wait_seconds_count')).toBeGreaterThan(0);
      // Lag per group and topic, read from the broker: all four groups of the channel, caught up.
      for (const group of [`dispatcher-${channel}`, `dispatcher-${channel}-urgent`, `sender-${channel}-urgent`, `sender-${channel}-normal`]) {
        expect(d).toMatch(new RegExp(`^bin_kafka_consumer_lag_messages\\{group="${group}",topic="[^"]+",app="dispatcher-${channel}"\\} 0$`, 'm'));
      }
      for (const name of ['bin_deliveries_planned_total', 'bin_deliveries_suppressed_total', 'bin_message_retries_total', 'bin_dead_letters_total'])
        expect(metricNames(d).has(name)).toBe(true);
    }
    expect(metricValue(text['dispatcher-sms'], 'bin_deliveries_planned_total', { channel: 'sms', lane: 'urgent' })).toBe(1);
    expect(metricValue(text['dispatcher-sms'], 'bin_deliveries_suppressed_total', { channel: 'sms', lane: 'urgent', reason: 'contact_not_verified' })).toBe(1);
    expect(metricValue(text['dispatcher-email'], 'bin_deliveries_planned_total', { channel: 'email', lane: 'urgent' })).toBe(2);
    expect(metricValue(text['dispatcher-voice'], 'bin_deliveries_suppressed_total', { channel: 'voice', lane: 'urgent', reason: 'no_contact_point' })).toBe(1);
    expect(metricValue(text['dispatcher-sms'], 'bin_rate_limit_wait_seconds_count', { limit: 'twilio_messages' })).toBeGreaterThan(0);

    const tracker = text.tracker;
    expect(metricValue(tracker, 'bin_delivery_status_reached_total', { channel: 'sms', status: 'delivered' })).toBe(1);
    expect(metricValue(tracker, 'bin_delivery_status_reached_total', { channel: 'email', status: 'delivered' })).toBe(2);
    expect(metricValue(tracker, 'bin_delivery_status_reached_total', { channel: 'voice', status: 'delivered' })).toBe(1);
    // The tracker consumes nothing: it applies the statuses it receives (ADR 0041).
    expect(tracker).not.toMatch(/^bin_kafka_consumer_lag_messages\{/m);
    expect(metricValue(tracker, 'bin_http_request_duration_seconds_count', { route: '/webhooks/twilio/message-status', status_code: '200' })).toBeGreaterThan(0);

    // Bounded labels: never an alert id, a member or a contact.
    for (const t of Object.values(text)) {
      expect(t).not.toContain(alertId);
      for (const contact of [anna.mobile, anna.email, bruno.mobile, '32460200100']) expect(t).not.toContain(contact);
    }
  });

  it('every app answers /health, /health/live and /health/ready', async () => {
    for (const [app, url] of Object.entries(await appUrls())) {
      for (const path of ['/health', '/health/live']) {
        const res = await fetch(`${url}${path}`);
        expect({ app, path, status: res.status, body: await res.json() }).toEqual({ app, path, status: 200, body: { status: 'ok' } });
      }
      const ready = await fetch(`${url}/health/ready`);
      const body = (await ready.json()) as { status: string; checks: Record<string, string> };
      expect({ app, status: ready.status, body: body.status }).toEqual({ app, status: 200, body: 'ok' });
      const expectedChecks = app === 'provider-sim' ? {} : { postgres: 'ok', redis: 'ok', kafka: 'ok', consumers: 'ok' };
      expect(body.checks).toEqual(expectedChecks);
    }
  });

  it('is not ready, with 503 naming the failing check and why, when its Redis is unreachable', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const intake = await startIntake({ ...stack.config, REDIS_URL: deadRedis }, 0);
    try {
      const url = await intake.getUrl();
      const ready = await fetch(`${url}/health/ready`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { status: string; checks: Record<string, string> };
      expect(body.status).toBe('down');
      expect(body.checks.postgres).toBe('ok');
      expect(body.checks.kafka).toBe('ok');
      expect(body.checks.redis).toMatch(/^down: .+/);
      // Alive all the same: a restart would not bring Redis back.
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
    } finally {
      await intake.close();
    }
  });
});
