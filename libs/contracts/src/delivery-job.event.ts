import { z } from 'zod';
import { ALERT_KINDS, CATEGORY_RULES, CHANNELS, LANGUAGES, MESSAGE_TYPES, URGENCIES } from '@bin-alert/domain';

const alertText = z.object({ title: z.string().min(1), body: z.string().min(1) });

/**
 * A unit of sending work on bin.jobs.<channel>.<lane>.v1: up to N planned deliveries of one alert
 * and channel, all for members of the partition it is written to. Carries the alert's content so
 * that senders never read the alert back.
 */
export const deliveryJobV1 = z.object({
  type: z.literal('delivery.job'),
  version: z.literal(1),
  jobId: z.string().min(1),
  alertId: z.string().uuid(),
  channel: z.enum(CHANNELS),
  lane: z.enum(URGENCIES),
  deliveryIds: z.array(z.string().uuid()).min(1),
  content: z.object({
    urgency: z.enum(URGENCIES),
    redistributionAllowed: z.boolean(),
    texts: z.record(z.enum(LANGUAGES), alertText),
    kind: z.enum(ALERT_KINDS).optional(),
    messageType: z.enum(MESSAGE_TYPES).optional(),
    fallbackLanguage: z.enum(LANGUAGES).optional(),
    category: z.string().optional(),
    categoryRule: z.enum(CATEGORY_RULES).optional(),
  }),
  /** Past this instant the job's deliveries are not sent: they end as suppressed, reason 'expired'. */
  expiresAt: z.string().datetime().optional(),
  plannedAt: z.string().datetime(),
});

export type DeliveryJobV1 = z.infer<typeof deliveryJobV1>;
