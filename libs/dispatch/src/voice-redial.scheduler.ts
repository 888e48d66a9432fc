import { Logger } from '@nestjs/common';
import type { OutboxRelay } from '@bin-alert/messaging';
import type { RedialledDelivery, VoiceRedialRepository } from '@bin-alert/persistence';
import { laterJobOutboxRecords } from './delivery-jobs';
import { PollingLoop } from '@bin-alert/platform';
import { DispatchSettings } from './dispatch-settings';

const REDIALS_PER_ROUND = 200;

/**
 * Calls again the members a call did not reach (no answer, busy line), after a delay and up to
 * a number of times: the delivery state machine's redial (libs/domain redialOf), the one move
 * out of a terminal status. Due calls are put back to planned together with their jobs (outbox), and
 * go out through the same jobs, lanes, claims and rate limit as every first call. Every voice
 * dispatcher runs one; row locks keep two from redialling the same member.
 */
export class VoiceRedialScheduler {
  private readonly logger = new Logger('voice-redial');
  private readonly loop: PollingLoop;

  constructor(
    private readonly redials: VoiceRedialRepository,
    private readonly relay: OutboxRelay,
    private readonly settings: DispatchSettings,
  ) {
    this.loop = new PollingLoop(settings.voiceRedial.pollMs, () => this.planDue());
  }

  start(): void {
    if (this.settings.voiceRedial.maxRedials === 0) return;
    this.relay.start();
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.relay.stop();
  }

  /** Plans every redial that is due now; returns how many. */
  async planDue(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const planned = await this.redials.planDueRedials(this.settings.voiceRedial, REDIALS_PER_ROUND, (due) => this.jobsFor(due));
        total += planned.length;
        if (planned.length > 0) {
          this.relay.kick();
          this.logger.log({ msg: 'calls planned again after no answer or a busy line', count: planned.length, alerts: [...new Set(planned.map((p) => p.content.alertId))] });
        }
        if (planned.length < REDIALS_PER_ROUND) return total;
      }
    } catch (error) {
      this.logger.warn({ msg: 'could not plan redials; trying again on the next round', error: String(error) });
      return total;
    }
  }

  private jobsFor(due: RedialledDelivery[]) {
    return laterJobOutboxRecords('voice', due, { size: this.settings.jobSize, partitions: this.settings.jobPartitions }, this.settings.zoneDefaultLanguage);
  }
}
