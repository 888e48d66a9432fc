import { z } from 'zod';
import { LANGUAGES, URGENCIES } from '@bin-alert/domain';

const text = z
  .object({
    title: z.string().trim().min(1, 'required').max(200, 'at most 200 characters'),
    body: z.string().trim().min(1, 'required').max(1600, 'at most 1600 characters'),
  })
  .strict();

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
    texts: z
      .object(Object.fromEntries(LANGUAGES.map((l) => [l, text.optional()])) as Record<(typeof LANGUAGES)[number], z.ZodOptional<typeof text>>)
      .strict()
      .refine((t) => Object.values(t).some(Boolean), 'text in at least one language (nl, fr, de, en)'),
  })
  .strict();

export type IssueAlertRequest = z.infer<typeof issueAlertRequest>;
