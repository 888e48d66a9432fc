import { Logger } from '@nestjs/common';
import { AlertContent } from '@bin-alert/domain';
import type { ClaimedDelivery, DeliveryOutcome } from '@bin-alert/persistence';
import { TRACKED_CALL_EVENTS, VoiceCaller, callStatusCallbackUrl, voiceAnswerUrl } from '@bin-alert/providers';
import { ChannelSender } from './channel-sender';
import { LeaseFence, unlessTakenOver } from './lease-fence';
import { mapWithConcurrency } from './concurrency';
import { DispatchSettings } from './dispatch-settings';
import { ProviderRateLimiter } from './provider-rate-limiter';
import { findInDoubt, outcomeOf, sendWithRetry, tokensTakenUpFront } from './send-with-retry';

export class VoiceChannelSender implements ChannelSender {
  readonly channel = 'voice' as const;
  readonly admitsOnClaim = true;
  private readonly logger = new Logger('sender-voice');

  constructor(
    private readonly voice: VoiceCaller,
    private readonly limiter: ProviderRateLimiter,
    private readonly settings: DispatchSettings,
  ) {}

  async send(deliveries: ClaimedDelivery[], content: AlertContent, fence: LeaseFence): Promise<DeliveryOutcome[]> {
    const limit = { name: 'twilio:calls', perSecond: this.settings.twilioCallsPerSecond };
    // The chunk's first calls take their tokens at once, as SMS does: a token take per call was two
    // Redis round trips or more per call at 50 calls per second (docs/benchmarks.md, 2026-12-06 night).
    // A retry, and every call when the store was away, takes its own.
    const paidUpFront = await tokensTakenUpFront(this.limiter, limit, deliveries.filter((d) => d.to && !d.inDoubtSince).length, content.urgency);
    const outcomes = await mapWithConcurrency(deliveries, this.settings.sendConcurrency, async (delivery): Promise<DeliveryOutcome | null> => {
      if (!delivery.to) return { id: delivery.id, status: 'failed', reason: 'contact_removed' };
      const to = delivery.to;
      let paid = paidUpFront && !delivery.inDoubtSince;
      if (delivery.inDoubtSince) {
        const since = delivery.inDoubtSince;
        const earlier = await findInDoubt(() => this.voice.findPlaced({ to, since }), this.settings.retryPolicy);
        if (earlier.status === 'held') return { id: delivery.id, ...earlier, inDoubtSince: since };
        if (earlier.status !== 'not_found') return { id: delivery.id, ...earlier };
        this.logger.warn({ msg: 'in-doubt delivery not found at Twilio; calling now', deliveryId: delivery.id, since: since.toISOString() });
      }
      const result = await unlessTakenOver(
        sendWithRetry(
          async () => {
            if (!paid) await this.limiter.acquire(limit, 1, content.urgency);
            paid = false;
            await fence.require(delivery.id);
            return this.voice.call({
              deliveryId: delivery.id,
              to,
              // The tracker renders what is said once Twilio knows who answered (a voicemail hears it once).
              answer: { url: voiceAnswerUrl(this.settings.trackerPublicUrl, delivery.id) },
              statusCallbackUrl: callStatusCallbackUrl(this.settings.trackerPublicUrl, delivery.id),
              statusCallbackEvents: [...TRACKED_CALL_EVENTS],
              machineDetection: 'DetectMessageEnd',
            });
          },
          this.settings.retryPolicy,
          'hold',
        ),
      );
      return result && outcomeOf(delivery, result);
    });
    return outcomes.filter((o): o is DeliveryOutcome => o !== null);
  }
}
