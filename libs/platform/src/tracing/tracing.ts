import {
  Attributes,
  Context,
  INVALID_SPAN_CONTEXT,
  Link,
  ROOT_CONTEXT,
  Span,
  SpanContext,
  SpanKind,
  SpanStatusCode,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  trace,
} from '@opentelemetry/api';
import { TRACE_PARENT_HEADER, TRACE_STATE_HEADER, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_ERROR_TYPE, ATTR_SERVICE_NAME, ATTR_SERVICE_NAMESPACE } from '@opentelemetry/semantic-conventions';
import { currentCorrelationId } from '../logging/correlation';
import { WorkContextManager } from '../logging/work-context';

/**
 * OpenTelemetry tracing of one alert across the apps (ADR 0020): spans at our own seams (HTTP
 * requests in, Kafka records out and in, the outbox hop, provider calls), W3C trace context in
 * HTTP and Kafka headers beside the correlation id, exported over OTLP/HTTP when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set.
 *
 * Without an endpoint no provider is installed: spans are the API's non-recording ones and cost
 * next to nothing, but the context manager and the propagator are, so a trace context that came
 * in (a caller's traceparent, a Kafka header) still goes out unchanged. An app without tracing in
 * the middle of the chain (one dispatcher not yet configured) then passes the trace on instead of
 * cutting it in two.
 */

export { TRACE_PARENT_HEADER, TRACE_STATE_HEADER };

export interface TracingSettings {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_SERVICE_NAME?: string;
}

/** Span attributes of our own, in the `bin.` namespace (semantic conventions have no alert). */
export const TRACE_ATTRIBUTES = {
  correlationId: 'bin.correlation_id',
  alertId: 'bin.alert_id',
  deliveryId: 'bin.delivery_id',
  channel: 'bin.channel',
  recipients: 'bin.recipients',
  deliveries: 'bin.deliveries',
} as const;

/**
 * Messaging attributes of the semantic conventions. They are still "incubating", which the
 * package asks not to import (names may change between its releases): copied here instead.
 */
export const MESSAGING_ATTRIBUTES = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  destination: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  consumerGroup: 'messaging.consumer.group.name',
  offset: 'messaging.kafka.offset',
  messageKey: 'messaging.kafka.message.key',
  batchCount: 'messaging.batch.message_count',
} as const;

const W3C = new W3CTraceContextPropagator();
const TRACER_NAME = 'bin-alert';

interface RunningTracing {
  provider: NodeTracerProvider | null;
  contextManager: WorkContextManager;
}
let running: RunningTracing | null = null;

/**
 * Sets tracing up for the process; call it first thing when an app starts, before its modules
 * are created. The first call of a process decides: the standalone process and the tests run
 * several apps in one process, and a process has one tracer provider.
 */
export function startTracing(settings: TracingSettings, appName: string): void {
  if (running) return;
  // The trace context rides in the work's context beside the correlation id: one
  // AsyncLocalStorage for both (ADR 0060), not OpenTelemetry's own one.
  const contextManager = new WorkContextManager();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(W3C);
  running = { provider: null, contextManager };
  const endpoint = settings.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return;
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.OTEL_SERVICE_NAME ?? `bin-alert-${appName}`, [ATTR_SERVICE_NAMESPACE]: 'bin-alert' })),
    // Batched, in the background: a collector that is slow or away costs memory up to the
    // queue's bound (then spans are dropped), never a request's time.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl(endpoint) }))],
  });
  trace.setGlobalTracerProvider(provider);
  running.provider = provider;
}

/** Where OTLP/HTTP takes traces under a base endpoint, as the specification appends it. */
export function otlpTracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/** True when spans are recorded and exported (an endpoint is configured). */
export function isTracingExported(): boolean {
  return Boolean(running?.provider);
}

/** Sends the spans ended so far (an app closing, a test about to look at them). */
export async function flushTracing(): Promise<void> {
  await running?.provider?.forceFlush();
}

/** Flushes and uninstalls tracing, so that the next startTracing sets it up anew (tests). */
export async function stopTracing(): Promise<void> {
  const stopping = running;
  running = null;
  if (!stopping) return;
  await stopping.provider?.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
}

/** The W3C headers (traceparent, tracestate) of a trace context, the active one by default; none when there is no trace. */
export function traceHeaders(from: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  W3C.inject(from, carrier, defaultTextMapSetter);
  return carrier;
}

/** The trace context W3C headers carry; the root context when they carry none (or a malformed one). */
export function traceContextFrom(headers: Record<string, string | string[] | undefined>): Context {
  return W3C.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

/** The span a traceparent names, for a link; undefined when the value is absent or malformed. */
export function spanContextOf(traceParent: string | null | undefined): SpanContext | undefined {
  return traceParent ? trace.getSpanContext(traceContextFrom({ [TRACE_PARENT_HEADER]: traceParent })) : undefined;
}

export interface SpanSettings {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** The parent: the active context unless given (an extracted one, or ROOT_CONTEXT for a new trace). */
  parent?: Context;
}

/** A span the caller ends itself (an HTTP request ends with its response, not with a promise), and the context it is active in. */
export function startSpan(name: string, settings: SpanSettings = {}): { span: Span; context: Context } {
  const parent = settings.parent ?? context.active();
  const correlationId = currentCorrelationId();
  const span = trace.getTracer(TRACER_NAME).startSpan(
    name,
    {
      kind: settings.kind ?? SpanKind.INTERNAL,
      links: settings.links,
      attributes: { ...(correlationId ? { [TRACE_ATTRIBUTES.correlationId]: correlationId } : {}), ...settings.attributes },
    },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

/**
 * Runs `work` in a new span that ends when it settles; a failure is recorded on the span and
 * rethrown. The span carries the current correlation id, so a trace can be found from a log line.
 */
export function inSpan<T>(name: string, settings: SpanSettings, work: (span: Span) => Promise<T>): Promise<T> {
  if (!running?.provider && !settings.parent) {
    // Nothing is recorded and the API's span carries the active trace context unchanged: the
    // work runs where it is, without a context of its own (one per provider call, ADR 0060).
    try {
      return work(trace.wrapSpanContext(trace.getSpanContext(context.active()) ?? INVALID_SPAN_CONTEXT));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  const { span, context: active } = startSpan(name, settings);
  return context.with(active, async () => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Runs `work` in a given trace context (an extracted one). */
export function inTraceContext<T>(active: Context, work: () => T): T {
  return context.with(active, work);
}

/** Runs `work` outside any trace: for shared work that a request merely woke up. */
export function withoutTraceContext<T>(work: () => T): T {
  return context.with(ROOT_CONTEXT, work);
}

/** Marks a span as failed with what went wrong (the error's class as `error.type`). */
export function markFailed(span: Span | undefined, error: unknown): void {
  if (!span) return;
  span.recordException(error instanceof Error ? error : String(error));
  span.setAttribute(ATTR_ERROR_TYPE, error instanceof Error ? error.constructor.name : 'Error');
  span.setStatus({ code: SpanStatusCode.ERROR, message: String(error).slice(0, 500) });
}

/** The active span (the request's, the record's), to add to it what is learnt later. */
export function activeSpan(): Span | undefined {
  return trace.getActiveSpan();
}

export { SpanKind, SpanStatusCode, ROOT_CONTEXT };
export type { Attributes, Span, SpanContext, Link, Context as TraceContext };
