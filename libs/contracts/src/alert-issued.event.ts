import { z } from 'zod';
import { LANGUAGES, URGENCIES } from '@bin-alert/domain';

const alertText = z.object({ title: z.string().min(1), body: z.string().min(1) });

/**
 * Published on bin.alerts.v1 when an alert is issued. Self-contained, so a dispatcher can render
 * without reading the alert back; the audience is computed by each dispatcher from the database.
 */
export const alertIssuedV1 = z.object({
  type: z.literal('alert.issued'),
  version: z.literal(1),
  alertId: z.string().uuid(),
  category: z.string().min(1),
  urgency: z.enum(URGENCIES),
  binIds: z.array(z.string().min(1)).min(1),
  redistributionAllowed: z.boolean(),
  texts: z.record(z.enum(LANGUAGES), alertText),
  issuedAt: z.string().datetime(),
});

export type AlertIssuedV1 = z.infer<typeof alertIssuedV1>;
