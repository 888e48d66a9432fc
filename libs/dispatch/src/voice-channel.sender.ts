import { Logger } from '@nestjs/common';
import { AlertContent, placedCallOf } from '@bin-alert/domain';
import type { ClaimedDelivery, DeliveryOutcome, DeliveryRepository } from '@bin-alert/persistence';
import { TRACKED_CALL_EVENTS, VoiceCaller, callStatusCallbackUrl, voiceAnswerUrl } from '@bin-alert/providers';
import { ChannelSender } from './channel-sender';
import { LeaseFence, unlessTakenOver } from './lease-fence';
import { mapWithConcurrency } from './concurrency';
import { DispatchSettings } from './dispatch-settings';
import { ProviderRateLimiter } from './provider-rate-limiter';
import { askInDoubt, outcomeOf, sendWithRetry, tokensTakenUpFront } from './send-with-retry';

/** What the database knows about the calls to a number (DeliveryRepository.callsToNumber). */
export type CallRecords = Pick<DeliveryRepository, 'callsToNumber'>;

export class VoiceChannelSender implements ChannelSender {
  readonly channel = 'voice' as const;
  readonly admitsOnClaim = true;
  private readonly logger = new Logger('sender-voice');

  constructor(
    private readonly voice: VoiceCaller,
    private readonly limiter: ProviderRateLimiter,
    private readonly settings: DispatchSettings,
    private readonly records: CallRecords,
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
        const listed = await askInDoubt(() => this.voice.listPlaced({ to, since }), this.settings.retryPolicy);
        if (listed.status !== 'answered') return { id: delivery.id, ...listed, ...(listed.status === 'held' ? { inDoubtSince: since } : {}) };
        // A call names no delivery: one is this delivery's only when no other can claim it; when that
        // cannot be told, it calls now (placedCallOf; ADR 0038, second addendum).
        const known = listed.answer.length === 0 ? { recorded: [], othersUnsettled: 0 } : await this.records.callsToNumber(delivery.id, to, listed.answer);
        const placed = placedCallOf({ candidates: listed.answer, recorded: new Set(known.recorded), othersUnsettled: known.othersUnsettled });
        if (placed.call === 'placed') return { id: delivery.id, status: 'accepted', providerId: placed.sid };
        this.logger.warn({
          msg:
            placed.call === 'ambiguous' ? 'in-doubt delivery: a call to the number may be another delivery’s; calling now' : 'in-doubt delivery not found at Twilio; calling now',
          deliveryId: delivery.id,
          since: since.toISOString(),
          ...(placed.call === 'ambiguous' ? { unclaimed: placed.unclaimed, othersUnsettled: placed.othersUnsettled } : {}),
        });
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
