import { Injectable, NestMiddleware } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { CORRELATION_HEADER, acceptableCorrelationId, withCorrelationId } from '../logging/correlation';
import { AppMetrics } from '../metrics/app-metrics';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import { SpanKind, SpanStatusCode, inTraceContext, startSpan, traceContextFrom } from '../tracing/tracing';

/** Probes and scrapes: a span every few seconds per instance would bury the alerts' traces. */
const UNTRACED = /^\/(health|metrics)(\/|$)/;

/** The matched route's template (`/v1/alerts/:id`), never the path itself: ids would explode the series. */
export function routeTemplate(req: Pick<Request, 'baseUrl'> & { route?: { path?: unknown } }): string {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` || '/' : 'unmatched';
}

/**
 * Runs `next` as every HTTP request runs: under its correlation id (the caller's
 * `x-correlation-id`, else a new one, echoed in the answer) and in a server span continuing the
 * caller's `traceparent` (ADR 0020), timed by route template and status. The middleware below
 * applies it to every route; a route served before Nest's pipeline (ADR 0022) calls it itself.
 */
export function inRequestContext(metrics: AppMetrics, req: Request, res: Response, next: () => void): void {
  const correlationId = acceptableCorrelationId(req.headers[CORRELATION_HEADER]) ?? randomUUID();
  res.setHeader(CORRELATION_HEADER, correlationId);
  const stop = metrics.httpRequestSeconds.startTimer();
  res.once('finish', () => stop({ method: req.method, route: routeTemplate(req), status_code: String(res.statusCode) }));
  withCorrelationId(correlationId, () => (UNTRACED.test(req.originalUrl) ? next() : traced(req, res, next)));
}

/** The path itself is not recorded: member links carry signed tokens in it. */
function traced(req: Request, res: Response, next: () => void): void {
  const { span, context } = startSpan(req.method, { kind: SpanKind.SERVER, parent: traceContextFrom(req.headers), attributes: { [ATTR_HTTP_REQUEST_METHOD]: req.method } });
  res.once('close', () => {
    // The route is known once the router has matched it: the span is named after it, never after the path.
    const route = routeTemplate(req);
    span.updateName(`${req.method} ${route}`);
    span.setAttributes({ [ATTR_HTTP_ROUTE]: route, [ATTR_HTTP_RESPONSE_STATUS_CODE]: res.statusCode });
    if (res.statusCode >= 500 || !res.writableFinished)
      span.setStatus({ code: SpanStatusCode.ERROR, message: res.writableFinished ? `HTTP ${res.statusCode}` : 'connection closed before the answer was sent' });
    span.end();
  });
  inTraceContext(context, next);
}

/** Every HTTP request of the app, in its request context (inRequestContext). */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  constructor(private readonly metrics: AppMetrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    inRequestContext(this.metrics, req, res, next);
  }
}
