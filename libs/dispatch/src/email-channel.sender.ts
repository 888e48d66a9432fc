import { AlertContent, Language, listUnsubscribeHeaders, renderEmail } from '@bin-alert/domain';
import type { ClaimedDelivery, DeliveryOutcome } from '@bin-alert/persistence';
import type { EmailSender } from '@bin-alert/providers';
import { ChannelSender } from './channel-sender';
import { mapWithConcurrency } from './concurrency';
import { DispatchSettings } from './dispatch-settings';
import { ProviderRateLimiter } from './provider-rate-limiter';
import { sendWithRetry } from './send-with-retry';

/** SendGrid takes up to 1000 personalizations per request; one request per language and chunk. */
export const SENDGRID_MAX_RECIPIENTS = 1000;

export class EmailChannelSender implements ChannelSender {
  readonly channel = 'email' as const;

  constructor(
    private readonly email: EmailSender,
    private readonly limiter: ProviderRateLimiter,
    private readonly settings: DispatchSettings,
    /** The one-click unsubscribe URL of a member for a category; without it no List-Unsubscribe. */
    private readonly unsubscribeUrl?: (memberId: string, category: string) => string,
  ) {}

  async send(deliveries: ClaimedDelivery[], content: AlertContent): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    const byLanguage = new Map<Language, ClaimedDelivery[]>();
    for (const d of deliveries) {
      if (!d.to) outcomes.push({ id: d.id, status: 'failed', reason: 'contact_removed' });
      else byLanguage.set(d.language, [...(byLanguage.get(d.language) ?? []), d]);
    }
    const batches: Array<{ language: Language; recipients: ClaimedDelivery[] }> = [];
    for (const [language, group] of byLanguage) {
      for (const round of spreadSharedAddresses(group)) {
        for (let i = 0; i < round.length; i += SENDGRID_MAX_RECIPIENTS) batches.push({ language, recipients: round.slice(i, i + SENDGRID_MAX_RECIPIENTS) });
      }
    }
    const limit = { name: 'sendgrid:mail-send', perSecond: this.settings.sendgridRequestsPerSecond };
    const perBatch = await mapWithConcurrency(batches, Math.max(1, Math.ceil(this.settings.sendConcurrency / 4)), async (batch) => {
      const rendered = renderEmail(content, batch.language);
      const result = await sendWithRetry(async () => {
        await this.limiter.acquire(limit);
        return this.email.sendBatch({
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          recipients: batch.recipients.map((r) => ({ deliveryId: r.id, to: r.to!, headers: this.unsubscribeHeaders(r.memberId, content) })),
          categories: ['bin-alert', content.urgency],
        });
      }, this.settings.retryPolicy);
      return batch.recipients.map((r): DeliveryOutcome =>
        result.ok ? { id: r.id, status: 'accepted', providerId: result.providerId } : { id: r.id, status: 'failed', reason: result.reason },
      );
    });
    return [...outcomes, ...perBatch.flat()];
  }

  private unsubscribeHeaders(memberId: string, content: AlertContent): Record<string, string> | undefined {
    if (!this.unsubscribeUrl || !content.category || !content.categoryRule || content.categoryRule === 'mandatory') return undefined;
    return listUnsubscribeHeaders(this.unsubscribeUrl(memberId, content.category));
  }
}

/**
 * SendGrid refuses a whole request that names an address twice, and two members may share one
 * (a couple). The n-th delivery to the same address goes into the n-th round of requests.
 */
export function spreadSharedAddresses(deliveries: ClaimedDelivery[]): ClaimedDelivery[][] {
  const seen = new Map<string, number>();
  const rounds: ClaimedDelivery[][] = [];
  for (const d of deliveries) {
    const address = d.to!.toLowerCase();
    const round = seen.get(address) ?? 0;
    seen.set(address, round + 1);
    (rounds[round] ??= []).push(d);
  }
  return rounds;
}
