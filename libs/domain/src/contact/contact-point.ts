import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type PhoneNumberUse = 'mobile' | 'phone';

export type PhoneCheck = { ok: true; e164: string; type: string | undefined } | { ok: false; reason: 'not_a_phone_number' | 'not_a_mobile_number' };

/**
 * Normalise a phone number to E.164 (Belgium when no country code is given). A mobile contact
 * point must be a number that can receive SMS; a phone contact point may be any valid number.
 */
export function checkPhoneNumber(input: string, use: PhoneNumberUse, defaultCountry: 'BE' = 'BE'): PhoneCheck {
  const parsed = parsePhoneNumberFromString(input, defaultCountry);
  if (!parsed?.isValid()) return { ok: false, reason: 'not_a_phone_number' };
  const type = parsed.getType();
  if (use === 'mobile' && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') {
    return { ok: false, reason: 'not_a_mobile_number' };
  }
  return { ok: true, e164: parsed.number, type };
}

const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]{2,}$/;

export function normaliseEmail(input: string): string | null {
  const trimmed = input.trim();
  if (trimmed.length > 254 || !EMAIL.test(trimmed)) return null;
  const at = trimmed.lastIndexOf('@');
  return `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}

/** For logs: keeps enough to tell two contacts apart, never the whole number or address. */
export function redactContact(value: string): string {
  if (value.includes('@')) {
    const [local, domain] = value.split('@');
    return `${local.slice(0, 1)}***@${domain.replace(/^[^.]*/, (d) => `${d.slice(0, 1)}***`)}`;
  }
  return value.length <= 6 ? '***' : `${value.slice(0, 4)}***${value.slice(-2)}`;
}
