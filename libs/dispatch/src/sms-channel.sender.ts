import { Logger } from '@nestjs/common';
import { AlertContent, renderSms } from '@bin-alert/domain';
import type { ClaimedDelivery, DeliveryOutcome } from '@bin-alert/persistence';
import { SmsSender, messageStatusCallbackUrl } from '@bin-alert/providers';
import { ChannelSender } from './channel-sender';
import { LeaseFence, unlessTakenOver } from './lease-fence';
import { mapWithConcurrency } from './concurrency';
import { DispatchSettings } from './dispatch-settings';
import { ProviderRateLimiter, RateLimiterUnavailableError } from './provider-rate-limiter';
import { findInDoubt, outcomeOf, sendWithRetry } from './send-with-retry';

export class SmsChannelSender implements ChannelSender {
  readonly channel = 'sms' as const;
  private readonly logger = new Logger('sender-sms');

  constructor(
    private readonly sms: SmsSender,
    private readonly limiter: ProviderRateLimiter,
    private readonly settings: DispatchSettings,
  ) {}

  async send(deliveries: ClaimedDelivery[], content: AlertContent, fence: LeaseFence): Promise<DeliveryOutcome[]> {
    const limit = { name: `twilio:messages:${this.settings.twilioFromNumber}`, perSecond: this.settings.twilioMessagesPerSecond };
    const rendering = new Map<string, ReturnType<typeof renderSms>>();
    const renderFor = (language: ClaimedDelivery['language']) => rendering.get(language) ?? rendering.set(language, renderSms(content, language, { segmentBudget: this.settings.smsSegmentBudget })).get(language)!;
    // Twilio counts its per-second limit in segments: the chunk's first attempts take theirs at once.
    // If the limiter's store is away, each message asks for its own under the retry policy instead.
    const firstAttempts = deliveries.filter((d) => d.to && !d.inDoubtSince);
    const paidUpFront = await this.limiter.acquire(limit, firstAttempts.reduce((sum, d) => sum + renderFor(d.language).segments, 0)).then(
      () => true,
      (error: unknown) => {
        if (error instanceof RateLimiterUnavailableError) return false;
        throw error;
      },
    );
    // The wait for tokens may have outlasted the lease: the fence comes after it, one statement for the chunk.
    const admitted = await fence.admit(deliveries.filter((d) => d.to).map((d) => d.id));
    const outcomes = await mapWithConcurrency(deliveries, this.settings.sendConcurrency, async (delivery): Promise<DeliveryOutcome | null> => {
      if (!delivery.to) return { id: delivery.id, status: 'failed', reason: 'contact_removed' };
      if (!admitted.has(delivery.id)) return null;
      const rendered = renderFor(delivery.language);
      const to = delivery.to;
      let paid = paidUpFront && !delivery.inDoubtSince;
      if (delivery.inDoubtSince) {
        const since = delivery.inDoubtSince;
        const earlier = await findInDoubt(() => this.sms.findAccepted({ to, body: rendered.body, since }), this.settings.retryPolicy);
        if (earlier.status === 'held') return { id: delivery.id, ...earlier, inDoubtSince: since };
        if (earlier.status !== 'not_found') return { id: delivery.id, ...earlier };
        this.logger.warn({ msg: 'in-doubt delivery not found at Twilio; sending it now', deliveryId: delivery.id, since: since.toISOString() });
      }
      const result = await unlessTakenOver(sendWithRetry(async () => {
        if (!paid) await this.limiter.acquire(limit, rendered.segments);
        paid = false;
        await fence.require(delivery.id);
        return this.sms.send({
          deliveryId: delivery.id,
          to,
          body: rendered.body,
          validityPeriodSeconds: content.urgency === 'urgent' ? this.settings.urgentSmsValiditySeconds : undefined,
          statusCallbackUrl: messageStatusCallbackUrl(this.settings.trackerPublicUrl, delivery.id),
        });
      }, this.settings.retryPolicy, 'hold'));
      return result && outcomeOf(delivery, result);
    });
    return outcomes.filter((o): o is DeliveryOutcome => o !== null);
  }
}
