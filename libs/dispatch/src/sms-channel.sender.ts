import { Logger } from '@nestjs/common';
import { AlertContent, renderSms, sentSmsOf } from '@bin-alert/domain';
import type { ClaimedDelivery, DeliveryOutcome } from '@bin-alert/persistence';
import { ProviderAcceptance, ProviderError, mayHaveBeenAccepted, messageStatusCallbackUrl } from '@bin-alert/providers';
import { ChannelSender } from './channel-sender';
import { LeaseFence, unlessTakenOver } from './lease-fence';
import { mapWithConcurrency } from './concurrency';
import { DispatchSettings } from './dispatch-settings';
import { ProviderRateLimiter } from './provider-rate-limiter';
import { findInDoubt, outcomeOf, sendWithRetry, tokensTakenUpFront } from './send-with-retry';
import { SmsRoute, SmsRoutes } from './sms-routes';

export class SmsChannelSender implements ChannelSender {
  readonly channel = 'sms' as const;
  readonly admitsOnClaim = true;
  private readonly logger = new Logger('sender-sms');

  constructor(
    private readonly routes: SmsRoutes,
    private readonly limiter: ProviderRateLimiter,
    private readonly settings: DispatchSettings,
  ) {}

  async send(deliveries: ClaimedDelivery[], content: AlertContent, fence: LeaseFence): Promise<DeliveryOutcome[]> {
    const rendering = new Map<string, ReturnType<typeof renderSms>>();
    const renderFor = (language: ClaimedDelivery['language']) =>
      rendering.get(language) ?? rendering.set(language, renderSms(content, language, { segmentBudget: this.settings.smsSegmentBudget })).get(language)!;
    // Twilio counts its per-second limit in segments: the chunk's first attempts take theirs at once,
    // on the route they are expected to take. If the limiter's store is away, each message asks
    // for its own under the retry policy instead.
    const expected = this.routes.likely(content.urgency);
    const firstAttempts = deliveries.filter((d) => d.to && !d.inDoubtSince);
    const paidUpFront = await tokensTakenUpFront(
      this.limiter,
      expected.limit,
      firstAttempts.reduce((sum, d) => sum + renderFor(d.language).segments, 0),
      content.urgency,
    );
    // The wait for tokens may have outlasted the lease: the fence comes after it, one statement for the chunk.
    const admitted = await fence.admit(deliveries.filter((d) => d.to).map((d) => d.id));
    const outcomes = await mapWithConcurrency(deliveries, this.settings.sendConcurrency, async (delivery): Promise<DeliveryOutcome | null> => {
      if (!delivery.to) return { id: delivery.id, status: 'failed', reason: 'contact_removed' };
      if (!admitted.has(delivery.id)) return null;
      const rendered = renderFor(delivery.language);
      const to = delivery.to;
      // The route's messages to the number since then; the rule tells which, if any, is this delivery's.
      const acceptedOn = async (route: SmsRoute, since: Date): Promise<ProviderAcceptance | null> => {
        const found = sentSmsOf({ candidates: await route.sender.listSent({ to, since }), body: rendered.body });
        if (found.sms === 'not_sent') return null;
        if (found.sms === 'ambiguous') {
          this.logger.warn({ msg: 'in-doubt SMS: several messages with its body; taking the newest, not sending again', deliveryId: delivery.id, matching: found.matching });
        }
        return { providerId: found.sid };
      };
      let paidOn: SmsRoute | null = paidUpFront && !delivery.inDoubtSince ? expected : null;
      if (delivery.inDoubtSince) {
        const since = delivery.inDoubtSince;
        // An earlier sender may have called either route: both are asked before it goes out again.
        let foundOn: SmsRoute | undefined;
        const earlier = await findInDoubt(async () => {
          for (const route of this.routes.all) {
            const found = await acceptedOn(route, since);
            if (found) {
              foundOn = route;
              return found;
            }
          }
          return null;
        }, this.settings.retryPolicy);
        if (earlier.status === 'held') return { id: delivery.id, ...earlier, inDoubtSince: since };
        if (earlier.status === 'accepted') return { id: delivery.id, ...earlier, route: foundOn!.name };
        if (earlier.status !== 'not_found') return { id: delivery.id, ...earlier };
        this.logger.warn({ msg: 'in-doubt delivery not found at Twilio; sending it now', deliveryId: delivery.id, since: since.toISOString() });
      }
      // A call that got no answer holds the delivery in doubt at once (sendWithRetry's 'hold'); one
      // answered with a 5xx may still have left the message with the provider (ADR 0033): before
      // another route is tried, that one is asked whether it has it.
      const attempts: { doubt: { route: SmsRoute; since: Date } | null; carriedBy: SmsRoute | null } = { doubt: null, carriedBy: null };
      const result = await unlessTakenOver(
        sendWithRetry(
          async () => {
            const route = this.routes.next(content.urgency);
            const doubt = attempts.doubt;
            if (doubt && doubt.route !== route) {
              const earlier = await acceptedOn(doubt.route, doubt.since);
              if (earlier) {
                attempts.carriedBy = doubt.route;
                return earlier;
              }
              attempts.doubt = null;
            }
            if (paidOn !== route) await this.limiter.acquire(route.limit, rendered.segments, content.urgency);
            paidOn = null;
            await fence.require(delivery.id);
            const calledAt = new Date();
            try {
              const accepted = await route.sender.send({
                deliveryId: delivery.id,
                to,
                body: rendered.body,
                validityPeriodSeconds: content.urgency === 'urgent' ? this.settings.urgentSmsValiditySeconds : undefined,
                statusCallbackUrl: messageStatusCallbackUrl(this.settings.trackerPublicUrl, delivery.id),
              });
              this.routes.record(route, null);
              attempts.carriedBy = route;
              return accepted;
            } catch (error: unknown) {
              this.routes.record(route, error);
              if (error instanceof ProviderError && mayHaveBeenAccepted(error)) attempts.doubt ??= { route, since: calledAt };
              throw error;
            }
          },
          this.settings.retryPolicy,
          'hold',
        ),
      );
      if (!result) return null;
      // Held after a call that may have gone out: the next sender looks it up on every route first.
      const outcome = outcomeOf({ id: delivery.id, inDoubtSince: delivery.inDoubtSince ?? attempts.doubt?.since ?? null }, result);
      return result.ok && attempts.carriedBy ? { ...outcome, route: attempts.carriedBy.name } : outcome;
    });
    return outcomes.filter((o): o is DeliveryOutcome => o !== null);
  }
}
