import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { currentCorrelationId } from '../logging/correlation';
import { FieldProblem, RefusalStatus, RequestValidationError } from './request-validation.error';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errors?: FieldProblem[];
  correlationId: string;
}

const REFUSALS: Record<RefusalStatus, { error: string; message: string }> = {
  400: { error: 'Bad Request', message: 'The request is invalid.' },
  413: { error: 'Payload Too Large', message: 'The request body is larger than this endpoint reads.' },
  415: { error: 'Unsupported Media Type', message: 'The request body is in an encoding this server does not read.' },
};

/**
 * The one place where errors become HTTP answers. Bad input gets 400 with the fields; anything
 * unexpected gets 500 with an id that is also in the log, never a stack trace.
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
 * Answers an error as the filter does: for the routes Nest's pipeline does not run (ADR 0022),
 * so that every route of every app answers errors in one shape.
 */
export function answerError(exception: unknown, request: Request, response: Response): void {
  const correlationId = currentCorrelationId() ?? (request.headers['x-correlation-id'] as string | undefined) ?? randomUUID();
  const body = errorBody(exception, correlationId, request);
  response.status(body.statusCode).setHeader('x-correlation-id', correlationId).json(body);
}

function errorBody(exception: unknown, correlationId: string, request: Request): ErrorBody {
  if (exception instanceof RequestValidationError) {
    const { error, message } = REFUSALS[exception.status];
    return { statusCode: exception.status, error, message, errors: exception.problems, correlationId };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    const message = typeof res === 'string' ? res : ((res as { message?: string | string[] }).message ?? exception.message);
    return { statusCode: status, error: HttpStatus[status] ?? 'Error', message: Array.isArray(message) ? message.join('; ') : message, correlationId };
  }
  logger.error({ msg: 'unhandled error', correlationId, method: request.method, path: request.path, error: String(exception), stack: (exception as Error)?.stack });
  return { statusCode: 500, error: 'Internal Server Error', message: `Something went wrong; quote ${correlationId} to the operators.`, correlationId };
}
