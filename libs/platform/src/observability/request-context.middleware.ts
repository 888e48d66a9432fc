import { Injectable, NestMiddleware } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { CORRELATION_HEADER, acceptableCorrelationId, withCorrelationId } from '../logging/correlation';
import { AppMetrics } from '../metrics/app-metrics';

/** The matched route's template (`/v1/alerts/:id`), never the path itself: ids would explode the series. */
export function routeTemplate(req: Pick<Request, 'baseUrl'> & { route?: { path?: unknown } }): string {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` || '/' : 'unmatched';
}

/**
 * Every HTTP request: runs under its correlation id (the caller's `x-correlation-id`, else a new
 * one, echoed in the answer) and is timed by route template and status.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  constructor(private readonly metrics: AppMetrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const correlationId = acceptableCorrelationId(req.headers[CORRELATION_HEADER]) ?? randomUUID();
    res.setHeader(CORRELATION_HEADER, correlationId);
    const stop = this.metrics.httpRequestSeconds.startTimer();
    res.once('finish', () => stop({ method: req.method, route: routeTemplate(req), status_code: String(res.statusCode) }));
    withCorrelationId(correlationId, next);
  }
}
