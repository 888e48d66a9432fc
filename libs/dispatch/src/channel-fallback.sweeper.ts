import { Logger } from '@nestjs/common';
import { FALLBACK_CHANNELS } from '@bin-alert/domain';
import type { OutboxRelay } from '@bin-alert/messaging';
import type { ChannelFallbackRepository, FallbackDelivery, NewOutboxRecord } from '@bin-alert/persistence';
import { PollingLoop } from '@bin-alert/platform';
import type { AppMetrics } from '@bin-alert/platform';
import { laterJobOutboxRecords } from './delivery-jobs';
import { DispatchSettings } from './dispatch-settings';

const SMS_PER_PASS = 500;

/**
 * The channel fallback of urgent alerts (ADR 0031): every `pollMs`, SMS deliveries that ended
 * failed or undelivered get their fallback decided (a call, else an e-mail, else the reason
 * none), and the fallback deliveries go out as jobs on their alert's lane of the voice or e-mail
 * dispatcher, through the outbox, like a redial. Every SMS dispatcher runs one; row locks keep
 * two from deciding the same SMS.
 */
export class ChannelFallbackSweeper {
  private readonly logger = new Logger('channel-fallback');
  private readonly loop: PollingLoop;

  constructor(
    private readonly fallbacks: ChannelFallbackRepository,
    private readonly relay: OutboxRelay,
    private readonly settings: DispatchSettings,
    pollMs: number,
    private readonly clock: () => Date = () => new Date(),
    private readonly metrics?: AppMetrics,
  ) {
    this.loop = new PollingLoop(pollMs, () => this.decideDue());
  }

  start(): void {
    this.relay.start();
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.relay.stop();
  }

  /** Decides the fallback of every failed SMS waiting for one; returns how many were decided. */
  async decideDue(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const pass = await this.fallbacks.sweep(this.clock(), SMS_PER_PASS, (due) => this.jobsFor(due));
        total += pass.decided;
        for (const [outcome, n] of Object.entries(pass.outcomes)) this.metrics?.smsFallbacks.inc({ outcome }, n);
        const sent = (pass.outcomes.voice ?? 0) + (pass.outcomes.email ?? 0);
        if (sent > 0) this.relay.kick();
        if (pass.decided > 0) this.logger.log({ msg: 'fallback decided for failed SMS of urgent alerts', sms: pass.decided, outcomes: pass.outcomes });
        if (pass.decided < SMS_PER_PASS) return total;
      }
    } catch (error) {
      this.logger.warn({ msg: 'could not decide SMS fallbacks; trying again on the next round', error: String(error) });
      return total;
    }
  }

  private jobsFor(due: FallbackDelivery[]): NewOutboxRecord[] {
    const layout = { size: this.settings.jobSize, partitions: this.settings.jobPartitions };
    return FALLBACK_CHANNELS.flatMap((channel) =>
      laterJobOutboxRecords(
        channel,
        due.filter((d) => d.channel === channel),
        channel === 'email' ? { ...layout, size: this.settings.emailJobSize } : layout,
        this.settings.zoneDefaultLanguage,
      ),
    );
  }
}
