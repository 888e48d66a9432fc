import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { FreeTextRule, findForbiddenCharacter, tidyFreeText } from '@bin-alert/domain';
import { FieldProblem, RequestValidationError, formatPath } from './request-validation.error';

/** Deeper than any request this API reads; past it a body is refused before anything walks it. */
export const MAX_BODY_DEPTH = 32;

/**
 * The first string in a parsed body or query that holds a character no field accepts (see
 * findForbiddenCharacter), keys included, or a nesting deeper than MAX_BODY_DEPTH. Iterative:
 * JSON.parse reads half a million nested arrays, and a recursive walk would overflow the stack.
 */
export function findUnsafeInput(value: unknown, whole = 'body'): FieldProblem | null {
  const pending: Array<{ value: unknown; path: Array<string | number> }> = [{ value, path: [] }];
  while (pending.length > 0) {
    const { value: current, path } = pending.pop()!;
    if (typeof current === 'string') {
      const forbidden = findForbiddenCharacter(current);
      if (forbidden) return { field: formatPath(path) || whole, code: 'unsafe_text', reason: forbidden.reason };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (path.length >= MAX_BODY_DEPTH) return { field: formatPath(path) || whole, code: 'unsafe_text', reason: `nested deeper than ${MAX_BODY_DEPTH} levels` };
    const entries: Array<[string | number, unknown]> = Array.isArray(current) ? current.map((v, i) => [i, v]) : Object.entries(current);
    for (const [key, child] of entries) {
      if (typeof key === 'string') {
        const forbidden = findForbiddenCharacter(key);
        if (forbidden) return { field: formatPath(path) || whole, code: 'unsafe_text', reason: `a key ${forbidden.reason}` };
      }
      pending.push({ value: child, path: [...path, key] });
    }
  }
  return null;
}

/**
 * Refuses, before any handler runs, a request whose path, query or parsed body holds a character
 * no field accepts, or whose query repeats a parameter: 400 naming the field. One check for every route, so that no column, jsonb
 * document, log line or message ever sees a NUL or half a surrogate pair. A text body (CAP XML)
 * is left to its reader, which names the line and column.
 */
@Injectable()
export class RefuseUnsafeInputMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const problem =
      unsafePath(req.originalUrl ?? req.url) ??
      repeatedQueryParameter(req.query) ??
      findUnsafeInput(req.query, 'query') ??
      (typeof req.body === 'object' ? findUnsafeInput(req.body) : null);
    next(problem ? new RequestValidationError([problem]) : undefined);
  }
}

/**
 * `?token=a&token=b` reads as an array, where every handler expects the one string the OpenAPI
 * document promises (it declares no query parameter an array): refused here rather than in each.
 */
function repeatedQueryParameter(query: unknown): FieldProblem | null {
  if (query === null || typeof query !== 'object') return null;
  const repeated = Object.entries(query).find(([, value]) => typeof value !== 'string');
  return repeated ? { field: repeated[0], code: 'wrong_type', reason: 'given more than once, or with brackets; each query parameter takes one value' } : null;
}

function unsafePath(url: string): FieldProblem | null {
  const path = url.split('?')[0];
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return { field: 'path', code: 'unsafe_text', reason: 'a percent-encoding that is not UTF-8' };
    }
    const forbidden = findForbiddenCharacter(decoded);
    if (forbidden) return { field: 'path', code: 'unsafe_text', reason: forbidden.reason };
  }
  return null;
}

export interface FreeTextField extends FreeTextRule {
  max: number;
}

/**
 * A field people type into (a title, a body, a name, a reason): tidied by tidyFreeText, then
 * required and at most `max` characters. A preprocess rather than a transform, so that the
 * OpenAPI document still shows the string's minLength and maxLength.
 */
export function freeText(field: FreeTextField) {
  return z.preprocess(
    (value) => (typeof value === 'string' && !findForbiddenCharacter(value) ? tidyFreeText(value, field) : value),
    z
      .string()
      .min(1, 'required')
      .max(field.max, `at most ${field.max} characters`)
      .superRefine((text, ctx) => {
        const forbidden = findForbiddenCharacter(text);
        if (forbidden) ctx.addIssue({ code: z.ZodIssueCode.custom, message: forbidden.reason, params: { code: 'unsafe_text' } });
      }),
  );
}
