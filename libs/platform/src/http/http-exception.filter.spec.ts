import { ConflictException, Logger, NotFoundException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, ERROR_CODES, ErrorCode } from '@bin-alert/domain';
import { HTTP_STATUS_OF_KIND, answerError, httpStatusOf } from './http-exception.filter';
import { RequestValidationError } from './request-validation.error';

/** What answerError wrote: status, headers and the JSON body. */
function answered(exception: unknown) {
  const out = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const response = {
    status(s: number) {
      out.status = s;
      return response;
    },
    setHeader(name: string, value: string) {
      out.headers[name] = value;
      return response;
    },
    json(b: unknown) {
      out.body = b;
      return response;
    },
  };
  const request = { method: 'POST', path: '/v1/x', headers: { 'x-correlation-id': 'c-1' } };
  answerError(exception, request as unknown as Request, response as unknown as Response);
  return out;
}

describe('HTTP answers of coded errors', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it.each<[ErrorCode, number, string]>([
    ['alert.not_found', 404, 'NOT_FOUND'],
    ['alert.outside_scope', 403, 'FORBIDDEN'],
    ['alert.invalid_transition', 409, 'CONFLICT'],
    ['membership.invalid_transition', 409, 'CONFLICT'],
    ['membership.board_resigns_through_police', 403, 'FORBIDDEN'],
    ['auth.login_refused', 401, 'UNAUTHORIZED'],
    ['member.too_many_requests', 429, 'TOO_MANY_REQUESTS'],
    ['callback.in_flight', 503, 'SERVICE_UNAVAILABLE'],
  ])('%s: %i, in the shape a Nest exception of that status had', (code, status, error) => {
    const { status: written, body } = answered(new DomainError(code, 'the reason'));
    expect(written).toBe(status);
    expect(body).toEqual({ statusCode: status, error, message: 'the reason', correlationId: 'c-1' });
  });

  it('answers a refusal exactly as the Nest exception it replaces', () => {
    expect(answered(new DomainError('alert.not_found', 'no alert with id a'))).toEqual(answered(new NotFoundException('no alert with id a')));
    expect(answered(new DomainError('alert.changed_meanwhile', 'changed'))).toEqual(answered(new ConflictException('changed')));
  });

  it('answers bad input with every field and reason, coded by the service or by the HTTP edge', () => {
    const problems = [{ field: 'bins[0]', reason: "unknown BIN 'x'" }];
    const expected = { statusCode: 400, error: 'Bad Request', message: 'The request is invalid.', errors: problems, correlationId: 'c-1' };
    expect(answered(new RequestValidationError(problems)).body).toEqual(expected);
    expect(answered(new DomainError('input.invalid', 'bins[0]: unknown', { problems })).body).toEqual(expected);
    expect(answered(new RequestValidationError([{ field: 'body', reason: 'too large' }], 413)).status).toBe(413);
  });

  it('says when to ask again', () => {
    expect(answered(new DomainError('auth.too_many_attempts', 'wait', { retryAfterSeconds: 42 })).headers['Retry-After']).toBe('42');
    expect(answered(new DomainError('alert.not_found', 'gone')).headers['Retry-After']).toBeUndefined();
  });

  it('maps every kind of every code once', () => {
    expect(Object.keys(HTTP_STATUS_OF_KIND).sort()).toEqual([...new Set(Object.values(ERROR_CODES))].sort());
    expect(httpStatusOf(new RequestValidationError([], 415))).toBe(415);
    expect(httpStatusOf(new Error('unexpected'))).toBe(500);
  });
});
