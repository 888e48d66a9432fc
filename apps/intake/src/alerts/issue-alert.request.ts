import { z } from 'zod';
import { ALERT_KINDS, CONTACT_MAX, INSTRUCTION_MAX, LANGUAGES, URGENCIES } from '@bin-alert/domain';
import { freeText } from '@bin-alert/platform';

const text = z
  .object({
    title: freeText({ max: 200 }),
    body: freeText({ max: 1600, multiline: true }),
    /** What to do; its own paragraph after the body on every channel (CAP `instruction`). */
    instruction: freeText({ max: INSTRUCTION_MAX, multiline: true }).optional().describe('What to do (CAP instruction): a paragraph of its own after the body on every channel'),
    /** Whom to call with information (CAP `contact`); never cut from an SMS before the body and the instruction. */
    contact: freeText({ max: CONTACT_MAX })
      .optional()
      .describe('Whom to call with information (CAP contact), e.g. "Politie Aalst 053 72 43 00": "Contact: …" on every channel, cut last from an SMS'),
  })
  .strict();

const texts = z
  .object(Object.fromEntries(LANGUAGES.map((l) => [l, text.optional()])) as Record<(typeof LANGUAGES)[number], z.ZodOptional<typeof text>>)
  .strict()
  .refine((t) => Object.values(t).some(Boolean), 'text in at least one language (nl, fr, de, en)');

/** After this instant nothing more of the alert is sent; it shows as expired. */
const expiresAt = z
  .string()
  .datetime({ offset: true, message: 'an ISO 8601 date-time with a time zone, e.g. 2026-11-29T18:00:00+01:00' })
  .transform((v) => new Date(v))
  .refine((d) => d.getTime() > Date.now(), { message: 'must be in the future', params: { code: 'in_the_past' } });

/** POST /v1/alerts: shape checks here; existence of BINs and category is checked by the service. */
export const issueAlertRequest = z
  .object({
    category: z.string().min(1, 'required'),
    urgency: z.enum(URGENCIES).optional(),
    bins: z
      .array(z.string().min(1))
      .min(1, 'at least one BIN')
      .refine((ids) => new Set(ids).size === ids.length, 'each BIN once'),
    /** Urgent messages may be passed on only when the police say so; others as widely as possible. */
    redistributionAllowed: z.boolean().optional(),
    texts,
    /** Actual unless said otherwise; a test or exercise reaches the test group only. */
    kind: z.enum(ALERT_KINDS).optional(),
    expiresAt: expiresAt.optional(),
  })
  .strict();

export type IssueAlertRequest = z.infer<typeof issueAlertRequest>;

/**
 * POST /v1/alerts/:id/update and /cancel: new text for the same audience. Category, BINs, kind
 * and urgency are the original's (the same lane, so that a follow-up never overtakes the original
 * for the same member); redistribution defaults to the original's.
 */
export const followUpRequest = z
  .object({
    texts,
    redistributionAllowed: z.boolean().optional(),
    expiresAt: expiresAt.optional(),
  })
  .strict();

export type FollowUpRequest = z.infer<typeof followUpRequest>;

/** POST /v1/alerts/:id/reject: why, for the author and the audit log. */
export const rejectionRequest = z.object({ reason: freeText({ max: 500, multiline: true }) }).strict();

export type RejectionRequest = z.infer<typeof rejectionRequest>;
