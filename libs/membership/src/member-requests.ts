import { z } from 'zod';
import { CATEGORY_RULES, CHANNELS, LANGUAGES, MEMBERSHIP_STATUSES, checkPhoneNumber, isValidClockTime, normaliseEmail } from '@bin-alert/domain';
import { freeText } from '@bin-alert/platform';

const binIds = z
  .array(z.string().min(1))
  .min(1, 'at least one BIN')
  .max(5, 'at most 5 BINs')
  .refine((ids) => new Set(ids).size === ids.length, 'each BIN once');

/** An optional contact, normalised; empty means absent. */
function optionalContact(maxLength: number, normalise: (value: string) => { ok: true; value: string } | { ok: false; reason: string }) {
  return z
    .string()
    .max(maxLength, `at most ${maxLength} characters`)
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return null;
      const result = normalise(v);
      if (!result.ok) ctx.addIssue({ code: z.ZodIssueCode.custom, message: result.reason, params: { code: 'bad_format' } });
      return result.ok ? result.value : null;
    });
}

/** A phone for calls, landline or mobile: any valid number, in E.164. */
const optionalPhoneForCalls = optionalContact(32, (v) => {
  const check = checkPhoneNumber(v, 'phone');
  return check.ok ? { ok: true, value: check.e164 } : { ok: false, reason: 'not a phone number' };
});

/**
 * POST /v1/applications, the public form. Contacts are normalised here (E.164 for the mobile,
 * lower-case domain for the address); the reasons never repeat what was typed, because that is
 * contact data and error answers end up in logs.
 */
export const membershipApplicationRequest = z
  .object({
    name: freeText({ max: 120 }),
    language: z.enum(LANGUAGES),
    bins: binIds,
    email: optionalContact(254, (v) => {
      const normalised = normaliseEmail(v);
      return normalised ? { ok: true, value: normalised } : { ok: false, reason: 'not an e-mail address' };
    }),
    mobile: optionalContact(32, (v) => {
      const check = checkPhoneNumber(v, 'mobile');
      if (check.ok) return { ok: true, value: check.e164 };
      return { ok: false, reason: check.reason === 'not_a_mobile_number' ? 'not a mobile number (SMS cannot reach it)' : 'not a phone number' };
    }),
    /** For calls: a landline or a mobile. */
    phone: optionalPhoneForCalls,
    consent: z.literal(true, { errorMap: () => ({ message: 'the applicant must agree to the processing of their data (true)' }) }),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (!a.email && !a.mobile && !a.phone)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['email'],
        message: 'an e-mail address, a mobile number or a phone number for calls is required',
        params: { code: 'required' },
      });
  });
export type MembershipApplicationRequest = z.infer<typeof membershipApplicationRequest>;

export const preferencesLinkRequest = z
  .object({
    email: z
      .string({ required_error: 'required' })
      .max(254, 'at most 254 characters')
      .transform((v, ctx) => {
        const email = normaliseEmail(v);
        if (email !== null) return email;
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'not an e-mail address', params: { code: 'bad_format' } });
        return z.NEVER;
      }),
  })
  .strict();

/** The code an SMS or a call gave, for a mobile or a phone alike. */
export const codeConfirmationRequest = z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') }).strict();

/** POST /v1/preferences/phone: the member's new phone for calls. */
export const phoneForCallsRequest = z
  .object({
    phone: z
      .string({ required_error: 'required' })
      .max(32, 'at most 32 characters')
      .pipe(optionalPhoneForCalls)
      .refine((v): v is string => v !== null, 'required'),
  })
  .strict();

export const membershipDecisionRequest = z.object({ decision: z.enum(['approve', 'refuse']) }).strict();

export const categoryRuleRequest = z.object({ rule: z.enum(CATEGORY_RULES) }).strict();

const clockTime = z.string().refine(isValidClockTime, { message: 'a time HH:MM (00:00–23:59)', params: { code: 'bad_format' } });

export const preferenceChangeRequest = z
  .object({
    language: z.enum(LANGUAGES).optional(),
    quietHours: z.object({ start: clockTime, end: clockTime }).strict().nullable().optional(),
    choices: z
      .array(z.object({ category: z.string().min(1), channel: z.enum(CHANNELS), enabled: z.boolean() }).strict())
      .max(100, 'at most 100 choices')
      .optional(),
  })
  .strict();
export type PreferenceChangeRequest = z.infer<typeof preferenceChangeRequest>;

export const memberListQuery = z.object({ status: z.enum(MEMBERSHIP_STATUSES).optional() }).strict();

export const interiorNotificationsQuery = z.object({ unsent: z.enum(['true', 'false']).optional() }).strict();

/** The signed link every public member route takes; a missing, forged or expired one is answered 403. */
export const memberLinkQuery = z.object({ token: z.string().describe('the signed token from the link the member received') });
