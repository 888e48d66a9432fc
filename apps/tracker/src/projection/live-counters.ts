import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { Channel, DeliveryStatus, TRACKED_DELIVERY_STATUSES } from '@bin-alert/domain';
import type { DeliveryStatusChangeOutcome } from '@bin-alert/persistence';
import { REDIS } from '@bin-alert/platform';
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
 * Live counters per alert and channel, a Redis hash `bin:alert:<alertId>:<channel>`: field =
 * status, value = how many deliveries are in that status now (a transition takes one from the old
 * status and adds one to the new), plus `acknowledged`. Only transitions the state machine
 * applied are counted, so a repeated or stale callback counts nothing. PostgreSQL stays the truth:
 * `rebuild` recomputes a hash from it (e.g. after a crash between the commit and the count).
 */
@Injectable()
export class LiveCounters {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async record(outcome: DeliveryStatusChangeOutcome): Promise<void> {
    const key = liveCountersKey(outcome.alertId, outcome.channel);
    const tx = this.redis.multi();
    let changes = 0;
    if (outcome.transitioned) {
      if (COUNTED.has(outcome.status)) (tx.hincrby(key, outcome.status, 1), changes++);
      if (COUNTED.has(outcome.previousStatus)) (tx.hincrby(key, outcome.previousStatus, -1), changes++);
    }
    if (outcome.acknowledgedNow) (tx.hincrby(key, 'acknowledged', 1), changes++);
    if (changes === 0) return void tx.discard();
    await tx.exec();
  }

  async read(alertId: string, channel: Channel): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(liveCountersKey(alertId, channel));
    return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== '0').map(([k, v]) => [k, Number(v)]));
  }

  async rebuild(alertId: string, counts: Partial<Record<Channel, Record<string, number>>>): Promise<void> {
    const tx = this.redis.multi();
    for (const channel of ['sms', 'email', 'voice'] as const) {
      const key = liveCountersKey(alertId, channel);
      tx.del(key);
      const fields = counts[channel];
      if (fields && Object.keys(fields).length > 0) tx.hset(key, fields);
    }
    await tx.exec();
  }
}
