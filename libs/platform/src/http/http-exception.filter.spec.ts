import { ConflictException, Logger, NotFoundException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError, ERROR_CODES, ErrorCode } from '@bin-alert/domain';
import { z } from 'zod';
import { HTTP_STATUS_OF_KIND, answerError, httpCodeOf, httpStatusOf } from './http-exception.filter';
import { RequestValidationError } from './request-validation.error';

/** What answerError wrote: status, headers and the JSON body. */
function answered(exception: unknown) {
  const out = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const response = {
    set statusCode(s: number) {
      out.status = s;
    },
    setHeader(name: string, value: string) {
      out.headers[name] = value;
      return response;
    },
    end(text: string) {
      out.body = JSON.parse(text);
    },
  };
  const request = { method: 'POST', url: '/v1/x?y=1', headers: { 'x-correlation-id': 'c-1' } };
  answerError(exception, request as unknown as IncomingMessage, response as unknown as ServerResponse);
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
    ['auth.token_missing', 401, 'UNAUTHORIZED'],
    ['auth.role_not_allowed', 403, 'FORBIDDEN'],
  ])('%s: %i, in the shape a Nest exception of that status had, with the code', (code, status, error) => {
    const { status: written, body } = answered(new DomainError(code, 'the reason'));
    expect(written).toBe(status);
    expect(body).toEqual({ statusCode: status, error, code, message: 'the reason', correlationId: 'c-1' });
  });

  it('answers a refusal as the Nest exception it replaces, with its code added', () => {
    const { code, ...body } = answered(new DomainError('alert.not_found', 'no alert with id a')).body as Record<string, unknown>;
    expect(code).toBe('alert.not_found');
    expect({ ...(answered(new NotFoundException('no alert with id a')).body as object), code: undefined }).toEqual({ ...body, code: undefined });
    expect(answered(new DomainError('alert.changed_meanwhile', 'changed')).status).toBe(answered(new ConflictException('changed')).status);
  });

  it('answers bad input with every field, its code and its reason, coded by the service or by the HTTP edge', () => {
    const problems = [{ field: 'bins[0]', code: 'unknown' as const, reason: "unknown BIN 'x'" }];
    const expected = { statusCode: 400, error: 'Bad Request', code: 'input.invalid', message: 'The request is invalid.', errors: problems, correlationId: 'c-1' };
    expect(answered(new RequestValidationError(problems)).body).toEqual(expected);
    expect(answered(new DomainError('input.invalid', 'bins[0]: unknown', { problems })).body).toEqual(expected);
    // A problem nobody coded is `invalid`, never without a code.
    expect(answered(new RequestValidationError([{ field: 'to', reason: 'must be after from' }])).body).toMatchObject({
      errors: [{ field: 'to', code: 'invalid', reason: 'must be after from' }],
    });
    expect(answered(new RequestValidationError([{ field: 'body', code: 'too_big', reason: 'too large' }], 413))).toMatchObject({
      status: 413,
      body: { code: 'input.invalid', errors: [{ code: 'too_big' }] },
    });
  });

  it("codes a schema's complaints per field: missing, wrong type, not one of, not expected, bad format, too small or big", () => {
    const schema = z
      .object({ name: z.string(), age: z.number(), role: z.enum(['operator', 'admin']), email: z.string().email(), bins: z.array(z.string()).min(1), title: z.string().max(3) })
      .strict();
    const parsed = schema.safeParse({ age: 'x', role: 'boss', email: 'nobody@', bins: [], title: 'toolong', extra: 1 });
    if (parsed.success) throw new Error('the input should be refused');
    const { errors } = answered(RequestValidationError.fromZod(parsed.error)).body as { errors: Array<{ field: string; code: string }> };
    expect(Object.fromEntries(errors.map((e) => [e.field, e.code]))).toEqual({
      name: 'required',
      age: 'wrong_type',
      role: 'not_one_of',
      email: 'bad_format',
      bins: 'too_small',
      title: 'too_big',
      body: 'not_expected',
    });
    // A check of the schema's own names its code; one that names none (or no known one) is `invalid`.
    const own = z.object({
      at: z.string().refine(() => false, { message: 'a time HH:MM', params: { code: 'bad_format' } }),
      why: z.string().refine(() => false, 'no'),
      odd: z.string().refine(() => false, { message: 'odd', params: { code: 'not_a_code' } }),
    });
    const refused = own.safeParse({ at: '25:00', why: 'x', odd: 'y' });
    if (refused.success) throw new Error('the input should be refused');
    expect(RequestValidationError.fromZod(refused.error).problems.map((p) => p.code)).toEqual(['bad_format', 'invalid', 'invalid']);
  });

  it('codes the answers no DomainError gave by their status: an unknown route, an unexpected error', () => {
    expect(answered(new NotFoundException('Cannot GET /v1/nothing')).body).toMatchObject({ statusCode: 404, code: 'http.not_found', message: 'Cannot GET /v1/nothing' });
    expect(answered(new Error('boom')).body).toMatchObject({ statusCode: 500, code: 'http.internal_server_error' });
    expect(httpCodeOf(405)).toBe('http.method_not_allowed');
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
