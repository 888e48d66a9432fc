import { Logger } from '@nestjs/common';
import { Channel, Language } from '@bin-alert/domain';
import { LaterJobLayout, laterDeliveryJobRecords } from './delivery-jobs';
import { PollingLoop } from '@bin-alert/platform';
import type { MessageBus, OutgoingMessage } from '@bin-alert/messaging';
import type { DeliveryRepository, ReleasedDelivery } from '@bin-alert/persistence';

/**
 * Sends on what quiet hours or an outage held back (ADR 0025): every `pollMs`, the deliveries of
 * this channel whose hold ended are released and emitted as jobs on their alert's lane, exactly as the expander would
 * have. Only the hold is lifted here; claiming, leases and the once-only send are the sender's,
 * so two releasers on two instances cost at most a job that finds nothing left to send.
 */
export class DeferredDeliveryReleaser {
  private readonly logger: Logger;
  private readonly loop: PollingLoop;

  constructor(
    private readonly channel: Channel,
    private readonly bus: MessageBus,
    private readonly deliveries: DeliveryRepository,
    private readonly jobs: LaterJobLayout,
    pollMs: number,
    /** The zone's default language, as the expander gives it to the alert's first jobs. */
    private readonly fallbackLanguage: Language,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.logger = new Logger(`releaser-${channel}`);
    this.loop = new PollingLoop(pollMs, () => this.releaseDue().catch((error) => this.logger.error({ msg: 'releasing deferred deliveries failed', error: String(error) })));
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Releases everything due now; returns how many deliveries were released. */
  async releaseDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const released = await this.deliveries.releaseDeferred(this.channel, this.clock(), 1000, (rows) => this.bus.publish(this.jobsFor(rows)));
      total += released;
      if (released < 1000) break;
    }
    if (total > 0) this.logger.log({ msg: 'released deliveries held for quiet hours or an outage', channel: this.channel, deliveries: total });
    return total;
  }

  private jobsFor(rows: ReleasedDelivery[]): OutgoingMessage[] {
    return laterDeliveryJobRecords(this.channel, rows, this.jobs, this.fallbackLanguage).map(({ topic, key, partition, value }) => ({ topic, key, partition, value }));
  }
}
