import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export interface PhoneNumberCheck {
  valid: boolean;
  /** False only when the number is known to be a landline; unknown types are given the benefit. */
  mayReceiveSms: boolean;
  formatted?: string;
}

/** Only E.164 is accepted, as Twilio does for its `To` parameter. */
export function checkPhoneNumber(number: string): PhoneNumberCheck {
  const parsed = /^\+\d+$/.test(number) ? parsePhoneNumberFromString(number) : undefined;
  if (!parsed || !parsed.isValid()) return { valid: false, mayReceiveSms: false };
  return { valid: true, mayReceiveSms: parsed.getType() !== 'FIXED_LINE', formatted: parsed.formatInternational() };
}
