import { randomHex16 } from '../random/random-ids';

export const TWILIO_API_VERSION = '2010-04-01';

/** `SM…` for messages, `CA…` for calls: the prefix and 32 lowercase hex digits Twilio uses. */
export function twilioSid(prefix: 'SM' | 'CA'): string {
  return prefix + randomHex16();
}

/** RFC 2822 as Twilio writes it: "Thu, 24 Aug 2023 05:01:45 +0000". */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

export function accountPath(accountSid: string): string {
  return `/${TWILIO_API_VERSION}/Accounts/${accountSid}`;
}
