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
  authenticationFailed: () => new TwilioApiError(401, 20003, 'Authentication Error - invalid username', 'Your AccountSid or AuthToken was incorrect.'),
  /** Never processed, so safe to retry; twilio-node only retries it itself with autoRetry. */
  tooManyRequests: () => new TwilioApiError(429, 20429, 'Too Many Requests'),
  invalidStatusCallback: () => new TwilioApiError(400, 21609, 'The StatusCallback URL is not a valid URL.'),
  unsubscribedRecipient: () => new TwilioApiError(400, 21610, 'Attempt to send to unsubscribed recipient'),
  /** A refusal injected by `errorRates`: the code is what matters, the text is generic. */
  injected: (code: number) => new TwilioApiError(statusOfInjected(code), code, injectedMessage(code)),
  resourceNotFound: (path: string) => new TwilioApiError(404, 20404, `The requested resource ${path} was not found`),
  toRequired: () => new TwilioApiError(400, 21604, "A 'To' phone number is required."),
  fromRequired: () => new TwilioApiError(400, 21603, "A 'From' phone number is required."),
  bodyRequired: () => new TwilioApiError(400, 21602, 'Message body is required.'),
  bodyTooLong: () => new TwilioApiError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.'),
  invalidTo: (to: string) => new TwilioApiError(400, 21211, `The 'To' number ${to} is not a valid phone number.`),
  notMobile: (to: string) => new TwilioApiError(400, 21614, `The 'To' number ${to} is not a valid mobile number.`),
  callToRequired: () => new TwilioApiError(400, 21201, "No 'To' number is specified."),
  callFromRequired: () => new TwilioApiError(400, 21213, "No 'From' number is specified."),
  invalidCallTo: (to: string) => new TwilioApiError(400, 21217, `The phone number you are attempting to call, ${to}, is not valid.`),
  // [unconfirmed] No source pins the code Twilio answers when Url, Twiml and ApplicationSid are
  // all missing; 21205 ("Invalid URL") is the nearest documented one.
  callInstructionsRequired: () => new TwilioApiError(400, 21205, 'Either a Url, Twiml or ApplicationSid parameter is required.'),
};

/** The few codes that are not 400s; every other injected code is a plain validation refusal. */
const INJECTED_STATUS: Record<number, number> = { 20003: 401, 20429: 429, 20500: 500, 20503: 503 };

const INJECTED_MESSAGE: Record<number, string> = {
  20429: 'Too Many Requests',
  20500: 'An internal server error has occurred',
  20503: 'Service unavailable',
  21408: 'Permission to send an SMS has not been enabled for the region indicated by the To number',
  21610: 'Attempt to send to unsubscribed recipient',
  21611: 'This From number has exceeded the maximum number of queued messages',
  21612: "The 'To' phone number is not currently reachable via SMS",
  21614: "'To' number is not a valid mobile number",
  21635: "The 'To' number cannot receive messages: it is a landline",
  21214: "'To' phone number cannot be reached",
  21216: 'Call blocked by Twilio blocklist',
};

function statusOfInjected(code: number): number {
  return INJECTED_STATUS[code] ?? 400;
}

function injectedMessage(code: number): string {
  return INJECTED_MESSAGE[code] ?? `Simulated refusal ${code}`;
}
