import { ZodError } from 'zod';

export interface FieldProblem {
  /** Path in the request, e.g. `bins[1]` or `texts.nl.body`; `body` for the request as a whole. */
  field: string;
  reason: string;
}

/** What a refused body is answered: bad input, too large, or in an encoding the server does not read. */
export type RefusalStatus = 400 | 413 | 415;

/** Bad input: answered 400 (or 413, 415 for a body that cannot be read) with every field that is wrong and why. */
export class RequestValidationError extends Error {
  constructor(
    readonly problems: FieldProblem[],
    readonly status: RefusalStatus = 400,
  ) {
    super(problems.map((p) => `${p.field}: ${p.reason}`).join('; '));
  }

  static fromZod(error: ZodError): RequestValidationError {
    return new RequestValidationError(error.issues.map((i) => ({ field: formatPath(i.path) || 'body', reason: i.message })));
  }
}

export function formatPath(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}
