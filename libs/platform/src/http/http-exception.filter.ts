import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import { DomainError, ErrorCode, FieldProblemCode, RefusalKind } from '@bin-alert/domain';
import { currentCorrelationId } from '../logging/correlation';
import { FieldProblem, RefusalStatus, RequestValidationError } from './request-validation.error';
import { pathOf } from './form-body';

/** One wrong field as answered: always with a code. */
export interface AnsweredFieldProblem extends FieldProblem {
  code: FieldProblemCode;
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  /**
   * What went wrong, stable for clients to act on and translate: the DomainError's code
   * (`alert.not_found`, `input.invalid`…), or `http.<status>` (`http.not_found`) for a refusal about
   * HTTP itself (an unknown route, a missing asset) and for the 500 of an unexpected error.
   */
  code: ErrorCode | HttpCode;
  message: string;
  errors?: AnsweredFieldProblem[];
  correlationId: string;
}

/** The code of an answer no DomainError gave: `http.` and the status's name, lower case. */
export type HttpCode = `http.${Lowercase<keyof typeof HttpStatus>}`;

export function httpCodeOf(status: number): HttpCode {
  const name = HttpStatus[status] as keyof typeof HttpStatus | undefined;
  return `http.${(name ?? 'INTERNAL_SERVER_ERROR').toLowerCase() as Lowercase<keyof typeof HttpStatus>}`;
}

const REFUSALS: Record<RefusalStatus, { error: string; message: string }> = {
  400: { error: 'Bad Request', message: 'The request is invalid.' },
  413: { error: 'Payload Too Large', message: 'The request body is larger than this endpoint reads.' },
  415: { error: 'Unsupported Media Type', message: 'The request body is in an encoding this server does not read.' },
};

/** The one mapping of a refusal's kind to its HTTP status (ADR 0037). */
export const HTTP_STATUS_OF_KIND: Record<RefusalKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_many: 429,
  unavailable: 503,
};

/** The status an error is answered with, for the few answers written without this filter (the member pages). */
export function httpStatusOf(exception: unknown): number {
  if (exception instanceof RequestValidationError) return exception.status;
  if (exception instanceof DomainError) return HTTP_STATUS_OF_KIND[exception.kind];
  return exception instanceof HttpException ? exception.getStatus() : 500;
}

/**
 * The one place where errors become HTTP answers. Bad input gets 400 with the fields; a domain
 * refusal the status of its kind, with its message; anything unexpected gets 500 with an id that
 * is also in the log, never a stack trace.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    answerError(exception, http.getRequest<Request>(), http.getResponse<Response>());
  }
}

const logger = new Logger('http');

/**
 * Answers an error as the filter does: for the routes Nest's pipeline does not run (ADR 0022,
 * 0029), so that every route of every app answers errors in one shape. Written with node:http's
 * own calls: a route served ahead of Express has no Express response.
 */
export function answerError(exception: unknown, request: IncomingMessage, response: ServerResponse): void {
  const correlationId = currentCorrelationId() ?? (request.headers['x-correlation-id'] as string | undefined) ?? randomUUID();
  const body = errorBody(exception, correlationId, request);
  if (exception instanceof DomainError && exception.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
  const json = JSON.stringify(body);
  response.statusCode = body.statusCode;
  response.setHeader('x-correlation-id', correlationId);
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.setHeader('content-length', Buffer.byteLength(json));
  response.end(json);
}

function errorBody(exception: unknown, correlationId: string, request: IncomingMessage): ErrorBody {
  if (exception instanceof DomainError && exception.problems) {
    const status = exception instanceof RequestValidationError ? exception.status : 400;
    const { error, message } = REFUSALS[status];
    const errors = exception.problems.map((p) => ({ field: p.field, code: p.code ?? 'invalid', reason: p.reason }));
    return { statusCode: status, error, code: exception.code, message, errors, correlationId };
  }
  if (exception instanceof DomainError) {
    const status = httpStatusOf(exception);
    return { statusCode: status, error: HttpStatus[status] ?? 'Error', code: exception.code, message: exception.message, correlationId };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    const message = typeof res === 'string' ? res : ((res as { message?: string | string[] }).message ?? exception.message);
    const text = Array.isArray(message) ? message.join('; ') : message;
    return { statusCode: status, error: HttpStatus[status] ?? 'Error', code: httpCodeOf(status), message: text, correlationId };
  }
  logger.error({ msg: 'unhandled error', correlationId, method: request.method, path: pathOf(request.url), error: String(exception), stack: (exception as Error)?.stack });
  return { statusCode: 500, error: 'Internal Server Error', code: httpCodeOf(500), message: `Something went wrong; quote ${correlationId} to the operators.`, correlationId };
}
