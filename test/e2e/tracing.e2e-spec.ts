import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TOPICS } from '@bin-alert/contracts';
import { flushTracing, isTracingExported, stopTracing } from '@bin-alert/platform';
import { asAalstOperator } from '../support/access-tokens';
import { aMember } from '../support/member.builder';
import { letOtlpExporterRunUnderJest } from '../support/otlp-export-under-jest';
import { RunningStack, startStack } from '../support/running-stack';
import { waitFor } from '../../bench/src/support/wait-for';

/** A span as OTLP/HTTP JSON carries it (ids in hex, kind as OTLP's enum: 2 server, 3 client, 4 producer, 5 consumer). */
interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: { stringValue?: string; intValue?: string | number } }>;
  links?: Array<{ traceId: string; spanId: string }>;
}
const INTERNAL = 1;
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

/** The smallest OTLP/HTTP receiver: keeps every span posted to /v1/traces, answers as a collector does. */
async function startOtlpReceiver(): Promise<{ url: string; spans: ExportedSpan[]; requests: () => number; close(): Promise<void> }> {
  const spans: ExportedSpan[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      if (req.method === 'POST' && req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: ExportedSpan[] }> }> };
        for (const resource of body.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []));
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const attribute = (span: ExportedSpan, key: string) => {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : String(value.intValue));
};

/** A caller's W3C trace context, as an upstream system (an operator console, a CAP feed) would send it. */
const callerTrace = () => {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
};

const FINAL = ['delivered', 'undelivered', 'failed', 'suppressed', 'bounced'];

async function issueAndSettle(stack: RunningStack, traceparent: string): Promise<{ alertId: string; correlationId: string }> {
  const res = await fetch(`${stack.intakeUrl}/v1/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent, ...asAalstOperator() },
    body: JSON.stringify({
      category: 'missing_person',
      urgency: 'urgent',
      bins: ['herdersem'],
      redistributionAllowed: false,
      texts: { nl: { title: 'Vermist: Lotte (6)', body: 'Lotte draagt een gele regenjas. Gezien? Bel 101.' } },
    }),
  });
  expect(res.status).toBe(201);
  const alertId = ((await res.json()) as { id: string }).id;
  // Settled once the simulator's status callbacks came back through the tracker.
  await waitFor(
    async () =>
      (await (await fetch(`${stack.intakeUrl}/v1/alerts/${alertId}`, { headers: asAalstOperator() })).json()) as {
        deliveries?: Record<string, { total: number; byStatus: Record<string, number> }>;
      },
    (a) => ['sms', 'email'].every((c) => (a.deliveries?.[c]?.total ?? 0) > 0 && Object.keys(a.deliveries![c].byStatus).every((s) => FINAL.includes(s))),
    { what: 'sms and e-mail deliveries settled', timeoutMs: 60_000 },
  );
  return { alertId, correlationId: res.headers.get('x-correlation-id')! };
}

/**
 * ADR 0020: one trace follows an alert from the caller's request through intake, the outbox,
 * Kafka, the expanders and the senders to the provider calls; the providers' callbacks arrive in
 * traces of their own, linked to it. On the real PostgreSQL, Redis and Kafka, with the spans
 * exported over OTLP/HTTP to a receiver in this test.
 */
describe('tracing: one alert, one trace, exported over OTLP', () => {
  let stack: RunningStack;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;

  beforeAll(async () => {
    letOtlpExporterRunUnderJest();
    receiver = await startOtlpReceiver();
    stack = await startStack({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    await aMember('Lotte-buur').inBins('herdersem').withMobile('+32470008801').withEmail('buur.trace@example.be').save(stack.members);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await stopTracing();
    await receiver?.close();
  });

  it('connects the request, the outbox hop, the consumers and the provider calls, and links the callbacks to them', async () => {
    expect(isTracingExported()).toBe(true);
    const caller = callerTrace();
    const { alertId, correlationId } = await issueAndSettle(stack, caller.traceparent);

    // The tracker has applied and published the statuses.
    await flushTracing();
    const inTrace = () => receiver.spans.filter((s) => s.traceId === caller.traceId);
    // Each look flushes first: a span ended since the last export is not at the receiver yet.
    const exported = async <T>(look: () => T): Promise<T> => {
      await flushTracing();
      return look();
    };
    await waitFor(
      () => exported(() => inTrace().filter((s) => s.kind === CLIENT).length),
      (n) => n >= 2,
      { what: 'provider call spans exported' },
    );
    const spans = inTrace();
    const named = (name: string, kind: number) => spans.filter((s) => s.name === name && s.kind === kind);

    // intake's server span continues the caller's trace and carries the alert's correlation id.
    const [request] = named('POST /v1/alerts', SERVER);
    expect(request).toBeDefined();
    expect(attribute(request, 'bin.correlation_id')).toBe(correlationId);
    // The relay published the outbox record as a child of the request, after the transaction.
    const [publish] = named(`publish ${TOPICS.alerts}`, PRODUCER);
    expect(publish?.parentSpanId).toBe(request.spanId);
    // Each channel's expander handled the record inside that trace…
    const expanders = named(`process ${TOPICS.alerts}`, CONSUMER);
    expect(expanders.length).toBeGreaterThanOrEqual(3);
    expect(expanders.every((s) => s.parentSpanId === publish.spanId)).toBe(true);
    // …and the senders handled the jobs the expanders published.
    const jobs = spans.filter((s) => s.kind === CONSUMER && s.name.startsWith('process bin.jobs.'));
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    expect(jobs.every((s) => expanders.some((e) => e.spanId === s.parentSpanId))).toBe(true);
    // The provider calls are client spans under the jobs, one per SMS, one per e-mail batch.
    const sms = named('twilio messages.create', CLIENT);
    const mail = named('sendgrid mail.send', CLIENT);
    expect(sms).toHaveLength(1);
    expect(mail).toHaveLength(1);
    expect([...sms, ...mail].every((s) => jobs.some((j) => j.spanId === s.parentSpanId))).toBe(true);
    expect(attribute(sms[0], 'bin.delivery_id')).toMatch(/^[0-9a-f-]{36}$/);
    // Every span of the trace carries the alert's correlation id: a log search and a trace search meet.
    expect(spans.every((s) => attribute(s, 'bin.correlation_id') === correlationId)).toBe(true);

    // The providers do not echo traceparent: each callback is a trace of its own, linked to the alert's.
    await waitFor(
      () => exported(() => receiver.spans.filter((s) => s.kind === SERVER && s.name.startsWith('POST /webhooks/') && s.traceId !== caller.traceId)),
      (callbacks) => callbacks.length >= 2,
      { what: 'callback spans exported' },
    );
    const callbacks = receiver.spans.filter((s) => s.kind === SERVER && s.name.startsWith('POST /webhooks/'));
    expect(callbacks.every((s) => s.traceId !== caller.traceId)).toBe(true);
    expect(callbacks.every((s) => s.links?.some((l) => l.traceId === caller.traceId && l.spanId === request.spanId))).toBe(true);
    // The statuses they brought are recorded in a batch span linked to the alert too, under which
    // they are applied and then published to the log (ADR 0041).
    const recorded = receiver.spans.filter((s) => s.name === 'record delivery statuses' && s.links?.some((l) => l.traceId === caller.traceId));
    expect(recorded.length).toBeGreaterThanOrEqual(1);
    const under = (batch: (typeof recorded)[number], name: string, kind: number) =>
      receiver.spans.find((s) => s.name === name && s.kind === kind && s.parentSpanId === batch.spanId);
    await waitFor(
      () => exported(() => recorded.filter((r) => under(r, 'apply delivery statuses', INTERNAL) && under(r, `publish ${TOPICS.deliveryEvents}`, PRODUCER))),
      (both) => both.length >= 1,
      { what: 'apply and publish spans under a batch that recorded the statuses' },
    );
    // Nothing in the tracker consumes them back.
    expect(receiver.spans.filter((s) => s.kind === CONSUMER && s.name === `process ${TOPICS.deliveryEvents}`)).toEqual([]);

    // The alert row keeps the trace it was announced in: what the links above were made from.
    const [row] = await stack.db.query(`SELECT trace_context FROM alerts WHERE id = $1`, [alertId]);
    expect(row.trace_context).toBe(`00-${caller.traceId}-${request.spanId}-01`);
  });
});

describe('tracing off: no endpoint, nothing exported, nothing broken', () => {
  let stack: RunningStack;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    // The receiver listens, but nothing names it: no exporter may guess its way to a collector.
    stack = await startStack({ OTEL_EXPORTER_OTLP_ENDPOINT: '' });
    await aMember('Stille-buur').inBins('herdersem').withMobile('+32470008802').withEmail('stil.trace@example.be').save(stack.members);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await stopTracing();
    await receiver?.close();
  });

  it('delivers the alert, records no span, and passes the caller’s trace context on unchanged', async () => {
    expect(isTracingExported()).toBe(false);
    const caller = callerTrace();
    const { alertId } = await issueAndSettle(stack, caller.traceparent);
    await flushTracing();
    expect(receiver.requests()).toBe(0);
    // Without spans of its own, intake hands the caller's context on as it came: a process with
    // tracing further down the chain still joins the caller's trace.
    const [outbox] = await stack.db.query(`SELECT headers FROM outbox WHERE message_key = $1 AND topic = $2`, [alertId, TOPICS.alerts]);
    expect(outbox.headers.traceparent).toBe(caller.traceparent);
    const [row] = await stack.db.query(`SELECT trace_context FROM alerts WHERE id = $1`, [alertId]);
    expect(row.trace_context).toBe(caller.traceparent);
  });
});
