import { ZodError } from 'zod';
import { DomainError, FieldProblem } from '@bin-alert/domain';

export type { FieldProblem };

/** What a refused body is answered: bad input, too large, or in an encoding the server does not read. */
export type RefusalStatus = 400 | 413 | 415;

/**
 * Bad input (code `input.invalid`): answered 400 with every field that is wrong and why; 413 or
 * 415 for a body the HTTP edge cannot read at all.
 */
export class RequestValidationError extends DomainError {
  declare readonly problems: FieldProblem[];

  constructor(
    problems: FieldProblem[],
    readonly status: RefusalStatus = 400,
  ) {
    super('input.invalid', problems.map((p) => `${p.field}: ${p.reason}`).join('; '), { problems });
  }

  static fromZod(error: ZodError): RequestValidationError {
    return new RequestValidationError(error.issues.map((i) => ({ field: formatPath(i.path) || 'body', reason: i.message })));
  }
}

export function formatPath(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}
