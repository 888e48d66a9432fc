import { Inject, Injectable, Logger } from '@nestjs/common';
import { DeliveryStatusEventV1, HEADERS, TOPICS, deliveryEventId } from '@bin-alert/contracts';
import { MESSAGE_BUS, MessageBus, OutgoingMessage } from '@bin-alert/messaging';
import { DeliveryTrackingRepository, TrackedDelivery } from '@bin-alert/persistence';
import { STORES, Stores, withCorrelationId } from '@bin-alert/platform';
import { TRACKER_SETTINGS, TrackerSettings } from '../tracker-settings';
import { CallbackObservation } from './callback-observation';
import { WebhookStats } from './webhook-stats';

export type ObservationOutcome =
  /** Published on bin.delivery-events.v1. */
  | 'published'
  /** Seen before (the provider resent it): dropped. */
  | 'duplicate'
  /** Names no delivery of ours, or one of another channel: dropped with a warning. */
  | 'unknown_delivery'
  /** Says nothing about a delivery's status (a spam report, an inbound status): dropped. */
  | 'ignored';

export interface ObservationResult {
  outcome: ObservationOutcome;
  delivery?: TrackedDelivery;
}

export const DEDUPE_KEY_PREFIX = 'bin:tracker:seen:';

/**
 * Turns verified callbacks into DeliveryStatusEvents: looks their deliveries up (one query per
 * webhook request), drops repeats with a seen mark (Redis `SET NX EX` in distributed mode), and publishes the rest keyed by member
 * id in one producer call. If publishing fails the dedupe marks are taken back and the error
 * propagates, so the webhook answers 5xx and the provider sends the callback again.
 */
@Injectable()
export class StatusEventPublisher {
  private readonly logger = new Logger('status-events');

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(STORES) private readonly stores: Stores,
    @Inject(TRACKER_SETTINGS) private readonly settings: TrackerSettings,
    private readonly deliveries: DeliveryTrackingRepository,
    private readonly stats: WebhookStats,
  ) {}

  async publish(observations: CallbackObservation[], receivedAt = new Date()): Promise<ObservationResult[]> {
    const results: ObservationResult[] = observations.map(() => ({ outcome: 'ignored' }));
    const known = await this.deliveries.findForTracking(observations.flatMap((o) => (o.deliveryId ? [o.deliveryId] : [])));

    const candidates: number[] = [];
    observations.forEach((o, i) => {
      const delivery = o.deliveryId ? known.get(o.deliveryId) : undefined;
      results[i].delivery = delivery?.channel === o.channel ? delivery : undefined;
      if (!o.mapping) return;
      if (!results[i].delivery) {
        results[i].outcome = 'unknown_delivery';
        this.logger.warn({ msg: 'callback for an unknown delivery', provider: o.provider, channel: o.channel, deliveryId: o.deliveryId ?? null, providerStatus: o.providerStatus, providerId: o.providerId });
        return;
      }
      candidates.push(i);
    });

    const fresh = await this.markSeen(candidates.map((i) => observations[i].identity));
    const toPublish = candidates.filter((_, n) => fresh[n]);
    candidates.forEach((i, n) => (results[i].outcome = fresh[n] ? 'published' : 'duplicate'));

    if (toPublish.length > 0) {
      const messages = toPublish.map((i) => this.message(observations[i], results[i].delivery!, receivedAt));
      // One batch may concern several alerts: each line is written under its own alert's id.
      for (const m of messages) {
        const { alertId, deliveryId, channel, status, providerStatus } = m.value as DeliveryStatusEventV1;
        withCorrelationId(m.headers?.[HEADERS.correlationId], () => this.logger.debug({ msg: 'delivery status received', alertId, deliveryId, channel, status, providerStatus }));
      }
      try {
        await this.bus.publish(messages);
      } catch (error) {
        await this.stores.seen.forget(toPublish.map((i) => DEDUPE_KEY_PREFIX + observations[i].identity)).catch(() => undefined);
        throw error;
      }
    }

    const count = (outcome: ObservationOutcome) => results.filter((r) => r.outcome === outcome).length;
    await this.stats.add({ published: count('published'), duplicate: count('duplicate'), unknown_delivery: count('unknown_delivery'), ignored: count('ignored') });
    return results;
  }

  /** True where this is the first time the identity is seen (within the dedupe TTL). */
  private markSeen(identities: string[]): Promise<boolean[]> {
    return this.stores.seen.markFirst(identities.map((identity) => DEDUPE_KEY_PREFIX + identity), this.settings.dedupeTtlSeconds);
  }

  private message(o: CallbackObservation, delivery: TrackedDelivery, receivedAt: Date): OutgoingMessage {
    const event: DeliveryStatusEventV1 = {
      type: 'delivery.status',
      version: 1,
      eventId: deliveryEventId(o.identity),
      deliveryId: delivery.id,
      alertId: delivery.alertId,
      memberId: delivery.memberId,
      channel: delivery.channel,
      status: o.mapping!.status,
      provider: o.provider,
      providerStatus: o.providerStatus.slice(0, 64),
      ...(o.providerId ? { providerId: o.providerId.slice(0, 128) } : {}),
      ...(o.mapping!.reason ? { reason: o.mapping!.reason } : {}),
      ...(o.mapping!.errorCode ? { errorCode: o.mapping!.errorCode.slice(0, 32) } : {}),
      acknowledged: o.acknowledged,
      occurredAt: (o.occurredAt ?? receivedAt).toISOString(),
      receivedAt: receivedAt.toISOString(),
    };
    // Keyed by member: a member's events stay in order with their jobs (ADR 0003). The alert's
    // correlation id, looked up with the delivery, follows the event to the projection (ADR 0010).
    const headers: Record<string, string> = { [HEADERS.eventType]: event.type };
    if (delivery.correlationId) headers[HEADERS.correlationId] = delivery.correlationId;
    return { topic: TOPICS.deliveryEvents, key: delivery.memberId, value: event, headers };
  }
}
