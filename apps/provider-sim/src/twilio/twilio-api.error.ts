import { HttpException } from '@nestjs/common';

/**
 * Twilio's legacy error body, the shape twilio-node turns into RestException{status, code,
 * message, moreInfo}. Messages quote the number as Twilio does, so that callers are tested
 * against a provider that really does put personal data in its errors.
 */
export class TwilioApiError extends HttpException {
  constructor(status: number, code: number, message: string, detail?: string) {
    super({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status, ...(detail ? { detail } : {}) }, status);
  }
}

export const twilioErrors = {
  authenticationFailed: () =>
    new TwilioApiError(401, 20003, 'Authentication Error - invalid username', 'Your AccountSid or AuthToken was incorrect.'),
  resourceNotFound: (path: string) => new TwilioApiError(404, 20404, `The requested resource ${path} was not found`),
  toRequired: () => new TwilioApiError(400, 21604, "A 'To' phone number is required."),
  fromRequired: () => new TwilioApiError(400, 21603, "A 'From' phone number is required."),
  bodyRequired: () => new TwilioApiError(400, 21602, 'Message body is required.'),
  bodyTooLong: () => new TwilioApiError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.'),
  invalidTo: (to: string) => new TwilioApiError(400, 21211, `The 'To' number ${to} is not a valid phone number.`),
  notMobile: (to: string) => new TwilioApiError(400, 21614, `The 'To' number ${to} is not a valid mobile number.`),
  callToRequired: () => new TwilioApiError(400, 21201, "No 'To' number is specified."),
  callFromRequired: () => new TwilioApiError(400, 21213, "No 'From' number is specified."),
  invalidCallTo: (to: string) =>
    new TwilioApiError(400, 21217, `The phone number you are attempting to call, ${to}, is not valid.`),
  // [unconfirmed] No source pins the code Twilio answers when Url, Twiml and ApplicationSid are
  // all missing; 21205 ("Invalid URL") is the nearest documented one.
  callInstructionsRequired: () => new TwilioApiError(400, 21205, 'Either a Url, Twiml or ApplicationSid parameter is required.'),
};
