import { HttpException } from '@nestjs/common';

/** One entry of SendGrid's `{"errors":[…]}` body. */
export interface SendGridErrorItem {
  message: string;
  field: string | null;
  help: string | null;
}

/** SendGrid's error answer; @sendgrid/mail surfaces it as ResponseError{code, response.body}. */
export class SendGridApiError extends HttpException {
  constructor(status: number, errors: SendGridErrorItem[]) {
    super({ errors }, status);
  }

  static unauthorized(): SendGridApiError {
    return new SendGridApiError(401, [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null }]);
  }
}
