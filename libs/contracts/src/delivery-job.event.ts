import { z } from 'zod';
import { ALERT_KINDS, CATEGORY_RULES, CHANNELS, LANGUAGES, MESSAGE_TYPES, URGENCIES } from '@bin-alert/domain';
import { alertText } from './alert-issued.event';

const jobContent = z.object({
  urgency: z.enum(URGENCIES),
  redistributionAllowed: z.boolean(),
  texts: z.record(z.enum(LANGUAGES), alertText),
  kind: z.enum(ALERT_KINDS).optional(),
  messageType: z.enum(MESSAGE_TYPES).optional(),
  fallbackLanguage: z.enum(LANGUAGES).optional(),
  category: z.string().optional(),
  categoryRule: z.enum(CATEGORY_RULES).optional(),
});

/**
 * A unit of sending work on bin.jobs.<channel>.<lane>.v1: up to N planned deliveries of one alert
 * and channel, all for members of the partition it is written to. Carries the alert's content so
 * that senders never read the alert back. Version 1 names its deliveries one by one: what the
 * quiet-hours releaser and the voice redials emit.
 */
export const deliveryJobV1 = z.object({
  type: z.literal('delivery.job'),
  version: z.literal(1),
  jobId: z.string().min(1),
  alertId: z.string().uuid(),
  channel: z.enum(CHANNELS),
  lane: z.enum(URGENCIES),
  deliveryIds: z.array(z.string().uuid()).min(1),
  content: jobContent,
  /** Past this instant the job's deliveries are not sent: they end as suppressed, reason 'expired'. */
  expiresAt: z.string().datetime().optional(),
  plannedAt: z.string().datetime(),
});

export type DeliveryJobV1 = z.infer<typeof deliveryJobV1>;

/**
 * Version 2, what planning emits (ADR 0016): the same work named by a range instead of ids. The
 * job stands for the planned deliveries of its alert and channel whose member is in
 * [first, last] (uuid order, both included) and whose job partition is `partition`, the
 * partition it is written to. The sender looks them up when it takes the job, then claims them by
 * id as for version 1. A million-member alert is some 10 000 jobs of ~300 bytes instead of
 * ~4 KB each, and planning never reads its deliveries back.
 */
export const deliveryJobV2 = deliveryJobV1.omit({ version: true, deliveryIds: true }).extend({
  version: z.literal(2),
  members: z.object({
    partition: z.number().int().min(0),
    first: z.string().uuid(),
    last: z.string().uuid(),
    /** How many the range held when it was planned: fewer may be left to send. */
    deliveries: z.number().int().min(1),
  }),
});

export type DeliveryJobV2 = z.infer<typeof deliveryJobV2>;

/**
 * What the jobs topics carry. Both versions share the topic: a version-2 job reaching a sender
 * older than it fails validation and goes to the dead letters, where it can be replayed once
 * every instance is upgraded (ADR 0016).
 */
export const deliveryJob = z.discriminatedUnion('version', [deliveryJobV1, deliveryJobV2]);
export type DeliveryJob = z.infer<typeof deliveryJob>;
