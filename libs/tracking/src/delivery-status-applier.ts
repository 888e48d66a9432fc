import { Injectable, Logger } from '@nestjs/common';
import { DeliveryStatusEventV1 } from '@bin-alert/contracts';
import { DeliveryStatusChange, DeliveryTrackingRepository } from '@bin-alert/persistence';
import { AppMetrics, debugLogged, withCorrelationId } from '@bin-alert/platform';
import { LiveCounters } from './live-counters';

export interface StatusEventToApply {
  event: DeliveryStatusEventV1;
  correlationId?: string;
}

/**
 * Applies delivery status events to PostgreSQL and to the live counters, a batch at a time: one
 * statement, monotonic by the domain's state machine (DeliveryTrackingRepository.applyStatusChanges,
 * whose row locks order concurrent batches), then one Redis round trip for the counters of what
 * changed, which the caller awaits alongside its publish. Idempotent: an event applied again finds its status already there and changes, and
 * counts, nothing. Log lines keep each event's correlation id.
 */
@Injectable()
export class DeliveryStatusApplier {
  private readonly logger = new Logger('delivery-statuses');

  constructor(
    private readonly deliveries: DeliveryTrackingRepository,
    private readonly counters: LiveCounters,
    private readonly metrics: AppMetrics,
  ) {}

  /**
   * Events in the order they were received. Resolves once PostgreSQL has them, with the live
   * counters' update already sent (`counted`): what follows the commit in a batch (its publish)
   * goes out alongside it instead of a round trip later. `counted` rejects when the counters
   * could not be updated.
   */
  async applyAll(events: readonly StatusEventToApply[]): Promise<{ counted: Promise<void> }> {
    if (events.length === 0) return { counted: Promise.resolve() };
    const { outcomes, missing } = await this.deliveries.applyStatusChanges(events.map(({ event }) => statusChange(event)));
    // Two debug lines per event, built only when debug is on (debugLogged); the events by delivery
    // only for log lines.
    const debug = debugLogged();
    const about = debug || missing.length > 0 ? new Map(events.map((e) => [e.event.deliveryId, e])) : new Map<string, StatusEventToApply>();
    const logged = (deliveryId: string, line: () => void) => withCorrelationId(about.get(deliveryId)?.correlationId, line);

    for (const deliveryId of missing) {
      logged(deliveryId, () => this.logger.warn({ msg: 'delivery status for a delivery that no longer exists', eventId: about.get(deliveryId)?.event.eventId, deliveryId }));
    }
    const changed = outcomes.filter((o) => o.transitioned || o.acknowledgedNow);
    if (debug) {
      for (const o of outcomes) {
        if (!o.transitioned && !o.acknowledgedNow)
          logged(o.deliveryId, () =>
            this.logger.debug({ msg: 'delivery status changed nothing', deliveryId: o.deliveryId, current: o.status, incoming: about.get(o.deliveryId)?.event.status }),
          );
      }
    }
    if (changed.length === 0) return { counted: Promise.resolve() };
    const counted = this.counters.recordAll(changed);
    // Marked handled here: the caller waits for it a little later, after sending its publish.
    counted.catch(() => undefined);
    // The status metrics are counted per (channel, status) for the batch, then added once each:
    // a labelled increment looks its series up, and a batch has hundreds of events but a few series.
    const reached = new Map<string, { channel: string; status: string; n: number }>();
    const acknowledged = new Map<string, number>();
    for (const o of changed) {
      for (const status of o.reached) {
        const key = `${o.channel}|${status}`;
        const series = reached.get(key);
        if (series) series.n++;
        else reached.set(key, { channel: o.channel, status, n: 1 });
      }
      if (o.acknowledgedNow) acknowledged.set(o.channel, (acknowledged.get(o.channel) ?? 0) + 1);
      if (debug)
        logged(o.deliveryId, () =>
          this.logger.debug({ msg: 'delivery status applied', alertId: o.alertId, deliveryId: o.deliveryId, channel: o.channel, from: o.previousStatus, to: o.status }),
        );
    }
    for (const { channel, status, n } of reached.values()) this.metrics.deliveryStatuses.inc({ channel, status }, n);
    for (const [channel, n] of acknowledged) this.metrics.deliveriesAcknowledged.inc({ channel }, n);
    return { counted };
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
