import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DeliveryStatusEventV1, HEADERS, TOPICS, TRACKER_PROJECTION_GROUP, deliveryStatusEventV1 } from '@bin-alert/contracts';
import { IncomingMessage, consumerGroup } from '@bin-alert/messaging';
import { DeliveryStatusChange, DeliveryTrackingRepository } from '@bin-alert/persistence';
import { AppMetrics, withCorrelationId } from '@bin-alert/platform';
import { MicroBatcher } from './micro-batcher';
import { LiveCounters } from './live-counters';

/** Events a batch of the projection holds at most: one statement and one counter update each. */
export const PROJECTION_BATCH_SIZE = 500;
/**
 * How long the first partition's events wait for those of the others fetched with them. The
 * events of one ingestion batch are spread over every partition (they are keyed by member), so
 * applying each partition's share alone would cost a statement, a counter update and a commit
 * per partition for a handful of events each.
 */
const GATHER_PARTITIONS_MS = 5;

interface ProjectedEvent {
  event: DeliveryStatusEventV1;
  correlationId?: string;
}

/**
 * Applies delivery events to PostgreSQL and to the live counters in Redis, a batch at a time:
 * the events a fetch brought from the partitions consumed side by side (a delivery's events are
 * all on its member's partition, in order, and partitions' shares are applied in the order they
 * came in) are written with one statement, monotonic by the domain's state machine
 * (DeliveryTrackingRepository.applyStatusChanges), and counted with one Redis round trip.
 * Consumed through the project's one consumer loop, so parsing, retries and dead letters are the
 * same as everywhere; the handler is idempotent, because a redelivered event finds the status it
 * would set already there and changes nothing. Log lines keep each event's correlation id.
 */
@Controller()
export class DeliveryProjection {
  private readonly logger = new Logger('delivery-projection');
  private readonly partitionShares = new MicroBatcher<ProjectedEvent, void>({ maxItems: PROJECTION_BATCH_SIZE * 4, maxWaitMs: GATHER_PARTITIONS_MS }, async (events) => {
    await this.applyAll(events);
    return events.map(() => undefined);
  });

  constructor(
    private readonly deliveries: DeliveryTrackingRepository,
    private readonly counters: LiveCounters,
    private readonly metrics: AppMetrics,
  ) {}

  // Events are keyed by member: a delivery's events stay in order on one partition, while
  // partitions are applied side by side (one at a time left the projection far behind).
  @EventPattern(
    TOPICS.deliveryEvents,
    consumerGroup({ groupId: TRACKER_PROJECTION_GROUP, schema: deliveryStatusEventV1, partitionsConcurrently: 3, batch: { maxBatchSize: PROJECTION_BATCH_SIZE } }),
  )
  async project(@Payload() messages: IncomingMessage<DeliveryStatusEventV1>[]): Promise<void> {
    await this.partitionShares.submit(messages.map((m) => ({ event: m.value, correlationId: m.headers[HEADERS.correlationId] })));
  }

  async apply(event: DeliveryStatusEventV1): Promise<void> {
    await this.applyAll([{ event }]);
  }

  /** Events in the order they were published. */
  async applyAll(events: readonly ProjectedEvent[]): Promise<void> {
    const { outcomes, missing } = await this.deliveries.applyStatusChanges(events.map(({ event }) => statusChange(event)));
    const about = new Map(events.map((e) => [e.event.deliveryId, e]));
    const logged = (deliveryId: string, line: () => void) => withCorrelationId(about.get(deliveryId)?.correlationId, line);

    for (const deliveryId of missing) {
      logged(deliveryId, () => this.logger.warn({ msg: 'delivery event for a delivery that no longer exists', eventId: about.get(deliveryId)?.event.eventId, deliveryId }));
    }
    const changed = outcomes.filter((o) => o.transitioned || o.acknowledgedNow);
    for (const o of outcomes) {
      if (!o.transitioned && !o.acknowledgedNow)
        logged(o.deliveryId, () =>
          this.logger.debug({ msg: 'delivery event changed nothing', deliveryId: o.deliveryId, current: o.status, incoming: about.get(o.deliveryId)?.event.status }),
        );
    }
    if (changed.length === 0) return;
    await this.counters.recordAll(changed);
    for (const o of changed) {
      for (const status of o.reached) this.metrics.deliveryStatuses.inc({ channel: o.channel, status });
      if (o.acknowledgedNow) this.metrics.deliveriesAcknowledged.inc({ channel: o.channel });
      logged(o.deliveryId, () =>
        this.logger.debug({ msg: 'delivery status applied', alertId: o.alertId, deliveryId: o.deliveryId, channel: o.channel, from: o.previousStatus, to: o.status }),
      );
    }
  }
}

function statusChange(event: DeliveryStatusEventV1): DeliveryStatusChange {
  return {
    deliveryId: event.deliveryId,
    channel: event.channel,
    status: event.status,
    providerStatus: event.providerStatus,
    providerId: event.providerId,
    reason: event.reason,
    errorCode: event.errorCode,
    acknowledged: event.acknowledged,
    occurredAt: new Date(event.occurredAt),
  };
}
