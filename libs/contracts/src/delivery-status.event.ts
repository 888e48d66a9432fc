import { z } from 'zod';
import { CHANNELS, TRACKED_DELIVERY_STATUSES, uuidV5In } from '@bin-alert/domain';

/**
 * Published on bin.delivery-events.v1 (keyed by member id) by the tracker for every verified,
 * first-seen provider callback about a known delivery. Consumers apply it with
 * nextDeliveryStatus, so a stale or repeated event changes nothing.
 */
export const deliveryStatusEventV1 = z.object({
  type: z.literal('delivery.status'),
  version: z.literal(1),
  /** Derived from what the provider says identifies the callback: the same callback, the same id. */
  eventId: z.string().uuid(),
  deliveryId: z.string().uuid(),
  alertId: z.string().uuid().optional(),
  memberId: z.string().uuid().optional(),
  channel: z.enum(CHANNELS),
  status: z.enum(TRACKED_DELIVERY_STATUSES),
  provider: z.enum(['twilio', 'sendgrid']),
  /** The provider's own word: MessageStatus, CallStatus, the SendGrid event name, `gather`. */
  providerStatus: z.string().min(1).max(64),
  /** MessageSid, CallSid, or the X-Message-Id part of sg_message_id. */
  providerId: z.string().min(1).max(128).optional(),
  reason: z.string().min(1).max(128).optional(),
  errorCode: z.string().min(1).max(32).optional(),
  /** The member confirmed receipt (pressed 1 during the call). */
  acknowledged: z.boolean(),
  /** When the provider says it happened (receivedAt when it does not say). */
  occurredAt: z.string().datetime(),
  receivedAt: z.string().datetime(),
});

export type DeliveryStatusEventV1 = z.infer<typeof deliveryStatusEventV1>;

const DELIVERY_EVENT_NAMESPACE = '2b0c8a52-6f4e-5d1a-8c3b-9e7f6a5d4c3b';

/** The event id of a callback, from its dedupe identity (e.g. `twilio:message:SM…:delivered`). */
export const deliveryEventId: (identity: string) => string = uuidV5In(DELIVERY_EVENT_NAMESPACE);
