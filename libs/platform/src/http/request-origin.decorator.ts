import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { RequestOrigin } from '@bin-alert/domain';
import { currentCorrelationId } from '../logging/correlation';

/**
 * Where the request came from, for the audit log: client address, user agent and correlation id.
 * A request without `x-correlation-id` gets one here, echoed in the answer and used by error
 * answers too, so the audit line and what the caller saw carry the same id.
 */
export const CurrentOrigin = createParamDecorator((_data: unknown, ctx: ExecutionContext): Required<RequestOrigin> => {
  const request = ctx.switchToHttp().getRequest<Request>();
  const response = ctx.switchToHttp().getResponse<Response>();
  const given = request.headers['x-correlation-id'];
  // The request context's id (observability middleware) when there is one: one id per request.
  const correlationId = currentCorrelationId() ?? (typeof given === 'string' && given !== '' ? given : randomUUID());
  request.headers['x-correlation-id'] = correlationId;
  response.setHeader('x-correlation-id', correlationId);
  return { clientIp: request.ip ?? request.socket.remoteAddress ?? 'unknown', userAgent: request.headers['user-agent'] ?? '', correlationId };
});
