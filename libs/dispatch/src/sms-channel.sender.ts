import { AlertContent, renderSms } from '@bin-alert/domain';
import type { ClaimedDelivery, DeliveryOutcome } from '@bin-alert/persistence';
import { SmsSender, messageStatusCallbackUrl } from '@bin-alert/providers';
import { ChannelSender } from './channel-sender';
import { mapWithConcurrency } from './concurrency';
import { DispatchSettings } from './dispatch-settings';
import { ProviderRateLimiter } from './provider-rate-limiter';
import { findInDoubt, sendWithRetry } from './send-with-retry';

export class SmsChannelSender implements ChannelSender {
  readonly channel = 'sms' as const;

  constructor(
    private readonly sms: SmsSender,
    private readonly limiter: ProviderRateLimiter,
    private readonly settings: DispatchSettings,
  ) {}

  async send(deliveries: ClaimedDelivery[], content: AlertContent): Promise<DeliveryOutcome[]> {
    const limit = { name: `twilio:messages:${this.settings.twilioFromNumber}`, perSecond: this.settings.twilioMessagesPerSecond };
    const rendering = new Map<string, ReturnType<typeof renderSms>>();
    const renderFor = (language: ClaimedDelivery['language']) => rendering.get(language) ?? rendering.set(language, renderSms(content, language, { segmentBudget: this.settings.smsSegmentBudget })).get(language)!;
    // Twilio counts its per-second limit in segments: the chunk's first attempts take theirs at once.
    const firstAttempts = deliveries.filter((d) => d.to && !d.inDoubtSince);
    await this.limiter.acquire(limit, firstAttempts.reduce((sum, d) => sum + renderFor(d.language).segments, 0));
    return mapWithConcurrency(deliveries, this.settings.sendConcurrency, async (delivery): Promise<DeliveryOutcome> => {
      if (!delivery.to) return { id: delivery.id, status: 'failed', reason: 'contact_removed' };
      const rendered = renderFor(delivery.language);
      const to = delivery.to;
      let paid = !delivery.inDoubtSince;
      if (delivery.inDoubtSince) {
        const since = delivery.inDoubtSince;
        const earlier = await findInDoubt(() => this.sms.findAccepted({ to, body: rendered.body, since }), this.settings.retryPolicy);
        if (earlier.status !== 'not_found') return { id: delivery.id, ...earlier };
      }
      const result = await sendWithRetry(async () => {
        if (!paid) await this.limiter.acquire(limit, rendered.segments);
        paid = false;
        return this.sms.send({
          deliveryId: delivery.id,
          to,
          body: rendered.body,
          validityPeriodSeconds: content.urgency === 'urgent' ? this.settings.urgentSmsValiditySeconds : undefined,
          statusCallbackUrl: messageStatusCallbackUrl(this.settings.trackerPublicUrl, delivery.id),
        });
      }, this.settings.retryPolicy);
      return result.ok ? { id: delivery.id, status: 'accepted', providerId: result.providerId } : { id: delivery.id, status: 'failed', reason: result.reason };
    });
  }
}
