import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { letOtlpExporterRunUnderJest } from '../../../../test/support/otlp-export-under-jest';
import { ConfigError, loadConfig } from '../config/app-config';
import { withCorrelationId } from '../logging/correlation';
import {
  flushTracing,
  inSpan,
  inTraceContext,
  isTracingExported,
  otlpTracesUrl,
  spanContextOf,
  startSpan,
  startTracing,
  stopTracing,
  traceContextFrom,
  traceHeaders,
  withoutTraceContext,
} from './tracing';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const TRACE_PARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

describe('W3C trace context in headers', () => {
  it('comes back from the headers it was put in, with its trace state', () => {
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    const headers = traceHeaders(parent);
    expect(headers).toEqual({ traceparent: TRACE_PARENT });

    const withState = traceContextFrom({ ...headers, tracestate: 'vendor=abc' });
    expect(trace.getSpanContext(withState)).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(traceHeaders(withState)).toEqual({ traceparent: TRACE_PARENT, tracestate: 'vendor=abc' });
  });

  it('gives nothing for no trace, and ignores a malformed or all-zero traceparent', () => {
    expect(traceHeaders(ROOT_CONTEXT)).toEqual({});
    for (const bad of ['', 'garbage', `00-${'0'.repeat(32)}-${SPAN_ID}-01`, `00-${TRACE_ID}-${'0'.repeat(16)}-01`, `ff-${TRACE_ID}-${SPAN_ID}-01`]) {
      expect(trace.getSpanContext(traceContextFrom({ traceparent: bad }))).toBeUndefined();
      expect(spanContextOf(bad)).toBeUndefined();
    }
    expect(spanContextOf(null)).toBeUndefined();
    expect(spanContextOf(TRACE_PARENT)).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID });
  });

  it('takes the first of repeated traceparent headers', () => {
    expect(trace.getSpanContext(traceContextFrom({ traceparent: [TRACE_PARENT, `00-${'1'.repeat(32)}-${SPAN_ID}-01`] }))?.traceId).toBe(TRACE_ID);
  });

  it('appends the traces path to the base endpoint as the OTLP specification does', () => {
    expect(otlpTracesUrl('http://127.0.0.1:4318')).toBe('http://127.0.0.1:4318/v1/traces');
    expect(otlpTracesUrl('https://otel.example/base/')).toBe('https://otel.example/base/v1/traces');
  });
});

describe('tracing without an endpoint', () => {
  beforeEach(() => startTracing({}, 'test'));
  afterEach(() => stopTracing());

  it('records nothing but passes a trace that came in on unchanged', async () => {
    expect(isTracingExported()).toBe(false);
    const fromCaller = traceContextFrom({ traceparent: TRACE_PARENT });
    const seen = await inSpan('process bin.alerts.v1', { parent: fromCaller }, async (span) => {
      await new Promise((r) => setTimeout(r, 1));
      return { recording: span.isRecording(), headers: traceHeaders() };
    });
    expect(seen).toEqual({ recording: false, headers: { traceparent: TRACE_PARENT } });
  });

  it('enters no context of its own for a span under the active trace: one fewer per provider call (ADR 0060)', async () => {
    await inTraceContext(traceContextFrom({ traceparent: TRACE_PARENT }), async () => {
      const run = jest.spyOn(AsyncLocalStorage.prototype, 'run');
      try {
        const seen = await inSpan('twilio messages.create', {}, async (span) => {
          await new Promise((r) => setTimeout(r, 1));
          return { recording: span.isRecording(), traceId: span.spanContext().traceId, headers: traceHeaders() };
        });
        expect(seen).toEqual({ recording: false, traceId: TRACE_ID, headers: { traceparent: TRACE_PARENT } });
        expect(run).not.toHaveBeenCalled();
      } finally {
        run.mockRestore();
      }
    });
    await expect(
      inSpan('x', {}, () => {
        throw new Error('thrown, not returned');
      }),
    ).rejects.toThrow('thrown, not returned');
  });

  it('stamps nothing where no trace came in', async () => {
    expect(await inSpan('POST /v1/alerts', {}, async () => traceHeaders())).toEqual({});
  });

  it('runs shared work outside the trace that woke it', () => {
    inTraceContext(traceContextFrom({ traceparent: TRACE_PARENT }), () => {
      expect(traceHeaders()).toEqual({ traceparent: TRACE_PARENT });
      expect(withoutTraceContext(() => traceHeaders())).toEqual({});
    });
  });

  it('rethrows what the work throws', async () => {
    await expect(inSpan('x', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});

describe('tracing with an endpoint', () => {
  // A loopback stand-in for a collector: what the exporter posts, as JSON.
  const posted: Array<{ path?: string; body: string }> = [];
  const collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posted.push({ path: req.url, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  beforeAll(() => {
    letOtlpExporterRunUnderJest();
    return new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', () => resolve()));
  });
  afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));
  beforeEach(() => startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}/` }, 'test'));
  afterEach(() => stopTracing());

  it('exports ended spans over OTLP/HTTP under the app’s service name', async () => {
    startSpan('POST /v1/alerts').span.end();
    await flushTracing();
    expect(posted.map((p) => p.path)).toEqual(['/v1/traces']);
    const body = JSON.parse(posted[0].body);
    expect(JSON.stringify(body.resourceSpans[0].resource.attributes)).toContain('"bin-alert-test"');
    expect(body.resourceSpans[0].scopeSpans[0].spans.map((span: { name: string }) => span.name)).toEqual(['POST /v1/alerts']);
  });

  it('records a child span of the trace that came in, carrying the correlation id', async () => {
    expect(isTracingExported()).toBe(true);
    const { span, headers } = await withCorrelationId('corr-42', () =>
      inSpan('process bin.alerts.v1', { parent: traceContextFrom({ traceparent: TRACE_PARENT }) }, async (active) => ({ span: active, headers: traceHeaders() })),
    );
    expect(span.isRecording()).toBe(false); // ended
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(span.spanContext().spanId).not.toBe(SPAN_ID);
    expect(headers.traceparent).toBe(`00-${TRACE_ID}-${span.spanContext().spanId}-01`);
    expect((span as unknown as { attributes: Record<string, unknown> }).attributes['bin.correlation_id']).toBe('corr-42');
  });

  it('starts a new trace where none came in', () => {
    const { span } = startSpan('POST /v1/alerts');
    expect(span.isRecording()).toBe(true);
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanContext().traceId).not.toBe(TRACE_ID);
    span.end();
  });
});

describe('tracing settings', () => {
  it('take an http(s) collector URL or nothing, and a plain service name', () => {
    expect(loadConfig({}).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SERVICE_NAME: 'bin-alert-intake-eu1' })).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_SERVICE_NAME: 'bin-alert-intake-eu1',
    });
    for (const endpoint of ['127.0.0.1:4318', 'grpc://collector:4317', 'http://collector:4318/?x=1'])
      expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })).toThrow(ConfigError);
    expect(() => loadConfig({ OTEL_SERVICE_NAME: 'bin alert' })).toThrow(/OTEL_SERVICE_NAME/);
  });
});
