/**
 * The audit log keeps who did what for years and is read by admins: it must never hold a member's
 * phone number or e-mail address (they are erased on resignation; the audit log cannot be). These
 * rules strip them from an entry's details, by the field's name and by the value's shape, so that
 * a careless caller cannot leak them.
 */
export const REDACTED = '[redacted]';

const CONTACT_KEY = /(phone|mobile|e-?mail|contact|address|^to$|^from$)/i;
const EMAIL = /[^\s@<>"',;]+@[^\s@<>"',;]+\.[a-z]{2,}/gi;
// International (+32 470 12 34 56, 0032…) and Belgian national (0470/12.34.56, 053 21 00 00) numbers.
const INTERNATIONAL_PHONE = /(?:\+|\b00)\d(?:[\s./()-]?\d){6,14}/g;
const NATIONAL_PHONE = /\b0\d{1,3}(?:[\s./-]?\d{2,3})(?:[\s./-]?\d{2}){2,3}\b/g;
// Shapes that look like numbers but are not contact data.
const HARMLESS = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?)$/i;

export function withoutContactData(details: Record<string, unknown>): Record<string, unknown> {
  return redactValue(details, undefined) as Record<string, unknown>;
}

function redactValue(value: unknown, key: string | undefined): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, key));
  if (typeof value === 'object') {
    if (value instanceof Date) return value.toISOString();
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactValue(v, k)]));
  }
  if (key !== undefined && CONTACT_KEY.test(key)) return REDACTED;
  if (typeof value === 'string') return redactText(value);
  return value;
}

function redactText(text: string): string {
  if (HARMLESS.test(text)) return text;
  return text.replace(EMAIL, REDACTED).replace(INTERNATIONAL_PHONE, REDACTED).replace(NATIONAL_PHONE, REDACTED);
}
