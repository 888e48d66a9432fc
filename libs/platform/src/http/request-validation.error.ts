import { ZodError, ZodIssue } from 'zod';
import { DomainError, FIELD_PROBLEM_CODES, FieldProblem, FieldProblemCode } from '@bin-alert/domain';

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
    return new RequestValidationError(error.issues.map((i) => ({ field: formatPath(i.path) || 'body', code: fieldProblemCodeOf(i), reason: i.message })));
  }
}

/** A schema's complaint as the field code a client translates; the schema's own message stays the reason. */
export function fieldProblemCodeOf(issue: ZodIssue): FieldProblemCode {
  // A schema's own check names its code in the issue's params: { params: { code: 'bad_format' } }.
  const named: unknown = issue.code === 'custom' ? issue.params?.code : undefined;
  if ((FIELD_PROBLEM_CODES as readonly unknown[]).includes(named)) return named as FieldProblemCode;
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'undefined' ? 'required' : 'wrong_type';
    case 'invalid_literal':
    case 'invalid_enum_value':
    case 'invalid_union_discriminator':
      return 'not_one_of';
    case 'unrecognized_keys':
      return 'not_expected';
    case 'invalid_string':
    case 'invalid_date':
      return 'bad_format';
    case 'too_small':
      // An empty text where one is needed is missing, not short.
      return issue.type === 'string' && issue.minimum === 1 ? 'required' : 'too_small';
    case 'too_big':
      return 'too_big';
    default:
      return 'invalid';
  }
}

export function formatPath(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}
