import { BadRequestException } from '@nestjs/common';

export interface FieldProblem {
  /** Dotted path in the request, e.g. `sms.undeliveredRate` or `rateLimit.twilioCalls`; `body` for the whole. */
  field: string;
  reason: string;
}

/** A refused /__sim request: 400 naming every wrong field, in the project's usual error shape. */
export class SimRequestError extends BadRequestException {
  constructor(
    readonly problems: FieldProblem[],
    summary = 'The simulator config is invalid.',
  ) {
    super({ statusCode: 400, error: 'Bad Request', message: summary, errors: problems });
  }

  /** "sms.undeliveredRate: Number must be less than or equal to 1; …", for startup failures. */
  describe(): string {
    return this.problems.map((problem) => `${problem.field}: ${problem.reason}`).join('; ');
  }
}
