import { Inject, Injectable, NestMiddleware, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { CORRELATION_HEADER, acceptableCorrelationId, withCorrelationId } from '../logging/correlation';
import { AppMetrics } from '../metrics/app-metrics';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import { SpanKind, SpanStatusCode, TRACE_PARENT_HEADER, inTraceContext, isTracingExported, startSpan, traceContextFrom } from '../tracing/tracing';

/** Probes and scrapes: a span every few seconds per instance would bury the alerts' traces. */
const UNTRACED = /^\/(health|metrics)(\/|$)/;

/** The matched route's template (`/v1/alerts/:id`), never the path itself: ids would explode the series. */
export function routeTemplate(req: { baseUrl?: string; route?: { path?: unknown } }): string {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` || '/' : 'unmatched';
}

/** A request as Express hands it on, or a bare node:http one served ahead of Express (ADR 0029). */
type AnyRequest = IncomingMessage & Partial<Pick<Request, 'originalUrl' | 'baseUrl' | 'route'>>;

/**
 * Runs `next` as every HTTP request runs: under its correlation id (the caller's
 * `x-correlation-id`, else a new one, echoed in the answer) and in a server span continuing the
 * caller's `traceparent` (ADR 0020), timed by route template and status. The middleware below
 * applies it to every route; a route served before Nest's pipeline (ADR 0022, 0029) calls it
 * itself and names its `route` (there is no router to match it).
 */
export function inRequestContext(metrics: AppMetrics, req: AnyRequest, res: ServerResponse, next: () => void, route?: string): void {
  const correlationId = timedAndEchoed(metrics, req, res, route);
  withCorrelationId(correlationId, () => (untraced(req) ? next() : traced(req, res, next, route)));
}

/** The request's correlation id (the caller's, else a new one), echoed in the answer; the answer timed by route and status. */
function timedAndEchoed(metrics: AppMetrics, req: AnyRequest, res: ServerResponse, route: string | undefined): string {
  const correlationId = acceptableCorrelationId(req.headers[CORRELATION_HEADER]) ?? randomUUID();
  res.setHeader(CORRELATION_HEADER, correlationId);
  const stop = metrics.httpRequestSeconds.startTimer();
  res.once('finish', () => stop({ method: req.method, route: route ?? routeTemplate(req), status_code: String(res.statusCode) }));
  return correlationId;
}

/**
 * Probes and scrapes; and, when no span is exported, a request that continues no trace: its span
 * would record nothing and hand no trace on (a span of no trace injects no headers), so it is not
 * made (most of a status callback's tracing cost when tracing is off).
 */
function untraced(req: AnyRequest): boolean {
  return (!isTracingExported() && req.headers[TRACE_PARENT_HEADER] === undefined) || UNTRACED.test(req.originalUrl ?? req.url ?? '/');
}

/** The path itself is not recorded: member links carry signed tokens in it. */
function traced(req: AnyRequest, res: ServerResponse, next: () => void, knownRoute: string | undefined): void {
  const { span, context } = startSpan(req.method ?? 'GET', {
    kind: SpanKind.SERVER,
    parent: traceContextFrom(req.headers),
    attributes: { [ATTR_HTTP_REQUEST_METHOD]: req.method },
  });
  res.once('close', () => {
    // The route is known once the router has matched it: the span is named after it, never after the path.
    const route = knownRoute ?? routeTemplate(req);
    span.updateName(`${req.method} ${route}`);
    span.setAttributes({ [ATTR_HTTP_ROUTE]: route, [ATTR_HTTP_RESPONSE_STATUS_CODE]: res.statusCode });
    if (res.statusCode >= 500 || !res.writableFinished)
      span.setStatus({ code: SpanStatusCode.ERROR, message: res.writableFinished ? `HTTP ${res.statusCode}` : 'connection closed before the answer was sent' });
    span.end();
  });
  inTraceContext(context, next);
}

/** Whether the app's requests run in the work's context (ObservabilityOptions.workContext). */
export const REQUEST_WORK_CONTEXT = Symbol('REQUEST_WORK_CONTEXT');

/**
 * Every HTTP request of the app, in its request context (inRequestContext); with
 * `workContext: false`, only timed and its correlation id echoed (ObservabilityOptions).
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  constructor(
    private readonly metrics: AppMetrics,
    @Optional() @Inject(REQUEST_WORK_CONTEXT) private readonly workContext: boolean = true,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    if (this.workContext) inRequestContext(this.metrics, req, res, next);
    else {
      timedAndEchoed(this.metrics, req, res, undefined);
      next();
    }
  }
}
