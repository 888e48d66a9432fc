import { ZodError } from 'zod';

export interface FieldProblem {
  /** Path in the request, e.g. `bins[1]` or `texts.nl.body`; `body` for the request as a whole. */
  field: string;
  reason: string;
}

/** Bad input: answered 400 with every field that is wrong and why. */
export class RequestValidationError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.reason}`).join('; '));
  }

  static fromZod(error: ZodError): RequestValidationError {
    return new RequestValidationError(error.issues.map((i) => ({ field: formatPath(i.path) || 'body', reason: i.message })));
  }
}

export function formatPath(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}
