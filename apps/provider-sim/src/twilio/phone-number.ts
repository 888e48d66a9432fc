import { parsePhoneNumberFromString, PhoneNumber } from 'libphonenumber-js/max';
import { boundedMemo } from '../bounded-memo';

export interface PhoneNumberCheck {
  valid: boolean;
  /** False only when the number is known to be a landline; unknown types are given the benefit. */
  mayReceiveSms: boolean;
  /** International format, e.g. "+32 470 12 34 56"; worked out only when asked (calls show it, SMS do not). */
  formatted(): string | undefined;
}

const INVALID: PhoneNumberCheck = { valid: false, mayReceiveSms: false, formatted: () => undefined };

/** Only E.164 is accepted, as Twilio does for its `To` parameter. */
export function checkPhoneNumber(number: string): PhoneNumberCheck {
  const parsed: PhoneNumber | undefined = /^\+\d+$/.test(number) ? parsePhoneNumberFromString(number) : undefined;
  if (!parsed?.isValid()) return INVALID;
  return { valid: true, mayReceiveSms: parsed.getType() !== 'FIXED_LINE', formatted: () => parsed.formatInternational() };
}

/**
 * The international format of a call's From, kept per number: a run's calls come from a handful
 * of senders, and parsing and formatting one costs ~12 µs a call. Not used for the To numbers:
 * each comes once, and keeping their checks costs more (Map upkeep, objects kept past the young
 * generation) than it saves.
 */
export const formattedSender = boundedMemo((number: string): string | undefined => checkPhoneNumber(number).formatted());
