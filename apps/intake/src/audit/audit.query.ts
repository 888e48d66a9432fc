import { z } from 'zod';

const BIGINT_MAX = 2n ** 63n - 1n;

/** GET /v1/audit: every filter optional; `before` is the previous page's nextCursor. */
export const auditQuery = z
  .object({
    action: z.string().max(100).optional(),
    actor: z.string().max(200).optional(),
    targetType: z.string().max(100).optional(),
    targetId: z.string().max(200).optional(),
    from: z.string().datetime({ offset: true, message: 'an ISO 8601 date-time, e.g. 2026-11-29T00:00:00Z' }).optional(),
    to: z.string().datetime({ offset: true, message: 'an ISO 8601 date-time, e.g. 2026-11-30T00:00:00Z' }).optional(),
    // audit_log.id is a bigint: a 19-digit number past its largest is no cursor either.
    before: z
      .string()
      .refine((v) => /^[1-9]\d{0,18}$/.test(v) && BigInt(v) <= BIGINT_MAX, 'a nextCursor from an earlier page')
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuery>;
