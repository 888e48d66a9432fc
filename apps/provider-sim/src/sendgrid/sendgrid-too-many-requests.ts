import { HttpException } from '@nestjs/common';

/** SendGrid's 429, body exactly as documented (no `help`, unlike its other errors). */
export class SendGridTooManyRequests extends HttpException {
  constructor() {
    super({ errors: [{ field: null, message: 'too many requests' }] }, 429);
  }
}
