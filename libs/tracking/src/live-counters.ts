import { Inject, Injectable } from '@nestjs/common';
import { Channel, DeliveryStatus, TRACKED_DELIVERY_STATUSES } from '@bin-alert/domain';
import type { DeliveryStatusChangeOutcome } from '@bin-alert/persistence';
import { STORES, Stores } from '@bin-alert/platform';
import { liveCountersKey } from '@bin-alert/contracts';

/**
 * Statuses the live counters hold: those only a callback can set. `accepted` is left out because
 * the dispatcher sets it without counting it, so a callback moving a delivery on from it has
 * nothing to take back.
 */
export const COUNTED_STATUSES: readonly DeliveryStatus[] = TRACKED_DELIVERY_STATUSES.filter((s) => s !== 'accepted');
const COUNTED = new Set<DeliveryStatus>(COUNTED_STATUSES);

export { liveCountersKey };

/**
 * Live counters per alert and channel, a counter group (a Redis hash in distributed mode) `bin:alert:<alertId>:<channel>`: field =
 * status, value = how many deliveries are in that status now (a transition takes one from the old
 * status and adds one to the new), plus `acknowledged`. Only transitions the state machine
 * applied are counted, so a repeated or stale callback counts nothing. PostgreSQL stays the truth:
 * `rebuild` recomputes a hash from it (e.g. after a crash between the commit and the count).
 */
@Injectable()
export class LiveCounters {
  constructor(@Inject(STORES) private readonly stores: Stores) {}

  async record(outcome: DeliveryStatusChangeOutcome): Promise<void> {
    await this.recordAll([outcome]);
  }

  /**
   * A batch's outcomes in one round trip. Each outcome is counted from the status before the
   * batch to the one after it: what it went through in between has come and gone.
   */
  async recordAll(outcomes: readonly DeliveryStatusChangeOutcome[]): Promise<void> {
    const groups: Record<string, Record<string, number>> = {};
    for (const outcome of outcomes) {
      const key = liveCountersKey(outcome.alertId, outcome.channel);
      groups[key] ??= {};
      const deltas = groups[key];
      const bump = (field: string, n: number) => {
        deltas[field] = (deltas[field] ?? 0) + n;
      };
      if (outcome.transitioned && outcome.status !== outcome.previousStatus) {
        if (COUNTED.has(outcome.status)) bump(outcome.status, 1);
        if (COUNTED.has(outcome.previousStatus)) bump(outcome.previousStatus, -1);
      }
      if (outcome.acknowledgedNow) bump('acknowledged', 1);
    }
    await this.stores.counters.addAll(groups);
  }

  async read(alertId: string, channel: Channel): Promise<Record<string, number>> {
    const all = await this.stores.counters.read(liveCountersKey(alertId, channel));
    return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== 0));
  }

  async rebuild(alertId: string, counts: Partial<Record<Channel, Record<string, number>>>): Promise<void> {
    const groups = Object.fromEntries((['sms', 'email', 'voice'] as const).map((channel) => [liveCountersKey(alertId, channel), counts[channel] ?? {}]));
    await this.stores.counters.replace(groups);
  }
}
