import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DeliveryStatusEventV1, TOPICS, TRACKER_PROJECTION_GROUP, deliveryStatusEventV1 } from '@bin-alert/contracts';
import { MESSAGE_BUS, MessageBus, RunningConsumer } from '@bin-alert/messaging';
import { DeliveryTrackingRepository } from '@bin-alert/persistence';
import { AppMetrics } from '@bin-alert/platform';
import { LiveCounters } from './live-counters';

/**
 * Applies delivery events to PostgreSQL (monotonic: nextDeliveryStatus under a row lock) and to
 * the live counters in Redis. Consumed through the project's one consumer loop, so parsing,
 * retries and dead letters are the same as everywhere; the handler is idempotent, because a
 * redelivered event finds the status it would set already there and changes nothing.
 */
@Injectable()
export class DeliveryProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('delivery-projection');
  private consumer: RunningConsumer | null = null;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly deliveries: DeliveryTrackingRepository,
    private readonly counters: LiveCounters,
    private readonly metrics: AppMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await this.bus.consume({
      groupId: TRACKER_PROJECTION_GROUP,
      topics: [TOPICS.deliveryEvents],
      schema: deliveryStatusEventV1,
      // Events are keyed by member: a delivery's events stay in order on one partition, while
      // partitions are applied side by side (one at a time left the projection far behind).
      partitionsConcurrently: 3,
      handle: async (message) => this.apply(message.value),
    });
    this.logger.log({ msg: 'consuming', groupId: TRACKER_PROJECTION_GROUP, topic: TOPICS.deliveryEvents });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  async apply(event: DeliveryStatusEventV1): Promise<void> {
    const outcome = await this.deliveries.applyStatusChange({
      deliveryId: event.deliveryId,
      channel: event.channel,
      status: event.status,
      providerStatus: event.providerStatus,
      providerId: event.providerId,
      reason: event.reason,
      errorCode: event.errorCode,
      acknowledged: event.acknowledged,
      occurredAt: new Date(event.occurredAt),
    });
    if (!outcome) {
      this.logger.warn({ msg: 'delivery event for a delivery that no longer exists', eventId: event.eventId, deliveryId: event.deliveryId });
      return;
    }
    if (!outcome.transitioned && !outcome.acknowledgedNow) {
      this.logger.debug({ msg: 'delivery event changed nothing', eventId: event.eventId, current: outcome.status, incoming: event.status });
      return;
    }
    await this.counters.record(outcome);
    if (outcome.transitioned) this.metrics.deliveryStatuses.inc({ channel: outcome.channel, status: outcome.status });
    if (outcome.acknowledgedNow) this.metrics.deliveriesAcknowledged.inc({ channel: outcome.channel });
    this.logger.debug({ msg: 'delivery status applied', alertId: outcome.alertId, deliveryId: outcome.deliveryId, channel: outcome.channel, from: outcome.previousStatus, to: outcome.status });
  }
}
