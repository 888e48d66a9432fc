import { z } from 'zod';
import { STAFF_ROLES } from '@bin-alert/domain';
import type { OperationDoc } from '@bin-alert/platform';
import { auditQuery } from './audit.query';

export const LIST_AUDIT_DOC: OperationDoc = {
  summary: 'The audit log, newest first',
  description: 'Append-only: who did what, when, from where. Filter by action, actor account, target and period; page with `before=<nextCursor>`.',
  tags: ['audit'],
  query: auditQuery,
  responses: {
    200: {
      description: 'One page of entries.',
      schema: z.object({
        entries: z.array(
          z.object({
            id: z.string(),
            at: z.string().datetime(),
            actor: z.object({ accountId: z.string(), role: z.enum(STAFF_ROLES).nullable() }).nullable(),
            action: z.string().describe('alert.issued, auth.login_failed, account.created, …'),
            target: z.object({ type: z.string(), id: z.string().nullable() }),
            details: z.record(z.unknown()),
            clientIp: z.string().nullable(),
            userAgent: z.string().nullable(),
            correlationId: z.string().nullable(),
          }),
        ),
        nextCursor: z.string().nullable(),
        links: z.object({ next: z.string().nullable() }),
      }),
    },
  },
};
