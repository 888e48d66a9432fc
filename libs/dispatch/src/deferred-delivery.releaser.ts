import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DeliveryJobV1, JOB_PARTITIONS, jobsTopic } from '@bin-alert/contracts';
import { Channel, groupIntoJobs } from '@bin-alert/domain';
import type { MessageBus, OutgoingMessage } from '@bin-alert/messaging';
import type { DeliveryRepository, ReleasedDelivery } from '@bin-alert/persistence';

/**
 * Sends on what quiet hours held back: every `pollMs`, the deliveries of this channel whose hold
 * ended are released and emitted as jobs on their alert's lane, exactly as the expander would
 * have. Only the hold is lifted here; claiming, leases and the once-only send are the sender's,
 * so two releasers on two instances cost at most a job that finds nothing left to send.
 */
export class DeferredDeliveryReleaser {
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly channel: Channel,
    private readonly bus: MessageBus,
    private readonly deliveries: DeliveryRepository,
    private readonly jobSize: number,
    private readonly pollMs: number,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.logger = new Logger(`releaser-${channel}`);
  }

  start(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.releaseDue().catch((error) => this.logger.error({ msg: 'releasing deferred deliveries failed', error: String(error) })).then(() => void (this.running = null));
    }, this.pollMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Releases everything due now; returns how many deliveries were released. */
  async releaseDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const released = await this.deliveries.releaseDeferred(this.channel, this.clock(), 1000, (rows) => this.bus.publish(this.jobsFor(rows)));
      total += released;
      if (released < 1000) break;
    }
    if (total > 0) this.logger.log({ msg: 'released deliveries held for quiet hours', channel: this.channel, deliveries: total });
    return total;
  }

  private jobsFor(rows: ReleasedDelivery[]): OutgoingMessage[] {
    const byAlert = new Map<string, ReleasedDelivery[]>();
    for (const r of rows) byAlert.set(r.alertId, [...(byAlert.get(r.alertId) ?? []), r]);
    return [...byAlert.values()].flatMap((group) => {
      const { alertId, content } = group[0];
      const items = group.map((r) => ({ memberId: r.memberId, deliveryId: r.id }));
      return groupIntoJobs(items, JOB_PARTITIONS, this.jobSize).map((job): OutgoingMessage => {
        const value: DeliveryJobV1 = {
          type: 'delivery.job',
          version: 1,
          jobId: randomUUID(),
          alertId,
          channel: this.channel,
          lane: content.urgency,
          deliveryIds: job.items.map((i) => i.deliveryId),
          content: { urgency: content.urgency, redistributionAllowed: content.redistributionAllowed, texts: content.texts, category: content.category, categoryRule: content.categoryRule },
          plannedAt: new Date().toISOString(),
        };
        return { topic: jobsTopic(this.channel, content.urgency), key: job.items[0].memberId, partition: job.partition, value };
      });
    });
  }
}
