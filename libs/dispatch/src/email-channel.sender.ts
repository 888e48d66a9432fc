import { AlertContent, Language, listUnsubscribeHeaders, offersUnsubscribe, renderEmail } from '@bin-alert/domain';
import type { ClaimedDelivery, DeliveryOutcome } from '@bin-alert/persistence';
import type { EmailRecipient, EmailSender } from '@bin-alert/providers';
import { ChannelSender } from './channel-sender';
import { LeaseFence, LeaseLostError, unlessTakenOver } from './lease-fence';
import { mapWithConcurrency } from './concurrency';
import { DispatchSettings } from './dispatch-settings';
import { ProviderRateLimiter } from './provider-rate-limiter';
import { RecipientBudget } from './recipient-budget';
import { outcomeOf, sendWithRetry } from './send-with-retry';

/**
 * Why an e-mail taken over from a sender that may have called SendGrid is not sent again: SendGrid
 * offers no lookup by our delivery id short of the paid Email Activity API (ADR 0025). The
 * delivery stays `sending` with this reason; SendGrid's events move it on if it went out.
 */
export const EMAIL_IN_DOUBT_REASON = 'in_doubt_not_resent';

/** SendGrid takes up to 1000 personalizations per request; one request per language and chunk. */
export const SENDGRID_MAX_RECIPIENTS = 1000;

/**
 * Recipients an e-mail dispatcher instance has in SendGrid requests at once (four full chunks),
 * however many jobs and partitions it works on (ADR 0073). A recipient in a request costs ~3.5 KB
 * of heap until it is answered (its signed links as strings and objects, the body as a JSON
 * string and as the socket's Buffer; heap snapshot in docs/benchmarks.md, 2026-12-07 13:45): with
 * eight partitions at once and three chunks of 1,000 per job, up to 24,000 recipients per lane
 * could be in requests, and the dispatcher's RSS reached 288-297 MB at 1,000,000 members. Jobs of
 * a few dozen e-mails, the 20,000-member shape that 609145e sped up, never come near it.
 */
export const EMAIL_RECIPIENTS_IN_FLIGHT = 4000;

/** A member's own links, signed at sending time. */
export interface MemberEmailLinks {
  /** The member's preference centre. */
  preferences(memberId: string): string;
  /** One-click unsubscribe of the member from a category on e-mail (List-Unsubscribe and the footer). */
  unsubscribe(memberId: string, category: string): string;
}

/**
 * Where each recipient's links go in a batch's one shared content: SendGrid replaces the tags per
 * personalization. Nothing in them is escaped in HTML, and a member link (a percent-encoded token
 * in the query) needs no escaping either, so the same URL serves the text and the HTML.
 */
export const EMAIL_LINK_TAGS = { preferences: '{{bin_preferences_url}}', unsubscribe: '{{bin_unsubscribe_url}}' } as const;

export class EmailChannelSender implements ChannelSender {
  readonly channel = 'email' as const;
  readonly admitsOnClaim = false;

  constructor(
    private readonly email: EmailSender,
    private readonly limiter: ProviderRateLimiter,
    private readonly settings: DispatchSettings,
    /** Without them an e-mail has neither List-Unsubscribe nor links in its footer. */
    private readonly links?: MemberEmailLinks,
    /** Shared by both lanes' jobs of the instance. */
    private readonly budget = new RecipientBudget(EMAIL_RECIPIENTS_IN_FLIGHT),
  ) {}

  async send(deliveries: ClaimedDelivery[], content: AlertContent, fence: LeaseFence): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    const byLanguage = new Map<Language, ClaimedDelivery[]>();
    for (const d of deliveries) {
      if (!d.to) outcomes.push({ id: d.id, status: 'failed', reason: 'contact_removed' });
      else if (d.inDoubtSince) outcomes.push({ id: d.id, status: 'in_doubt', reason: EMAIL_IN_DOUBT_REASON });
      else {
        // Pushed, not copied: a copy per delivery made grouping a chunk of 1,000 quadratic.
        const group = byLanguage.get(d.language);
        if (group) group.push(d);
        else byLanguage.set(d.language, [d]);
      }
    }
    const batches: Array<{ language: Language; recipients: ClaimedDelivery[] }> = [];
    for (const [language, group] of byLanguage) {
      for (const round of spreadSharedAddresses(group)) {
        for (let i = 0; i < round.length; i += SENDGRID_MAX_RECIPIENTS) batches.push({ language, recipients: round.slice(i, i + SENDGRID_MAX_RECIPIENTS) });
      }
    }
    const sendable = batches.reduce((n, b) => n + b.recipients.length, 0);
    // The chunk's share of the instance's budget is taken before its tokens and its admission
    // (ADR 0043): a chunk waiting here has nothing marked with the provider yet.
    const perBatch = sendable === 0 ? [] : await this.budget.holding(sendable, content.urgency, () => this.sendBatches(batches, content, fence));
    return [...outcomes, ...perBatch.flat()];
  }

  private async sendBatches(batches: Array<{ language: Language; recipients: ClaimedDelivery[] }>, content: AlertContent, fence: LeaseFence): Promise<DeliveryOutcome[][]> {
    const limit = { name: 'sendgrid:mail-send', perSecond: this.settings.sendgridRequestsPerSecond };
    // The tokens of every request of the chunk, in one call to the shared bucket, as SMS takes a
    // chunk's: one Redis round trip per chunk instead of one per request, which queued every
    // request of the process behind the others' (docs/benchmarks.md, e-mail's requests). Each
    // request's first attempt spends one of them; a retry takes its own.
    const chunkTokens = batches.length > 0 ? this.limiter.acquire(limit, batches.length, content.urgency) : Promise.resolve();
    const inFlight = Math.max(1, Math.ceil(this.settings.sendConcurrency / 4));
    // Once the tokens are there, the fence admits the recipients of every request that starts at
    // once in one statement, instead of one UPDATE per request (docs/benchmarks.md, 2026-12-07
    // e-mail's waits; ADR 0064). Still after the token wait and right before the requests (ADR
    // 0043): a crash while waiting for tokens leaves nothing in doubt. Each request still asks the
    // fence, which renews only what is no longer open (a later request, a retry).
    const firstWave = batches.slice(0, inFlight).flatMap((b) => b.recipients.map((r) => r.id));
    const chunkAdmitted = chunkTokens.then(() => fence.admit(firstWave));
    chunkAdmitted.catch(() => undefined); // heard by each request's first attempt
    return mapWithConcurrency(batches, inFlight, async (batch) => {
      const rendered = renderEmail(content, batch.language, this.links ? EMAIL_LINK_TAGS : undefined);
      // Those taken over while this batch waited (for tokens, or between attempts) leave it.
      let stillOurs = batch.recipients;
      let firstAttempt = true;
      const result = await unlessTakenOver(
        sendWithRetry(async () => {
          if (firstAttempt) {
            firstAttempt = false;
            await chunkAdmitted;
          } else await this.limiter.acquire(limit, 1, content.urgency);
          const admitted = await fence.admit(stillOurs.map((r) => r.id));
          stillOurs = stillOurs.filter((r) => admitted.has(r.id));
          if (stillOurs.length === 0) throw new LeaseLostError(`every delivery of the batch was taken over`);
          const recipients = stillOurs.map((r) => this.recipient(r, content));
          return this.email.sendBatch({ subject: rendered.subject, text: rendered.text, html: rendered.html, recipients, categories: ['bin-alert', content.urgency] });
        }, this.settings.retryPolicy),
      );
      return result ? stillOurs.map((r) => outcomeOf(r, result)) : [];
    });
  }

  private recipient(delivery: ClaimedDelivery, content: AlertContent): EmailRecipient {
    const recipient = { deliveryId: delivery.id, to: delivery.to! };
    if (!this.links) return recipient;
    const preferences = this.links.preferences(delivery.memberId);
    if (!offersUnsubscribe(content)) return { ...recipient, substitutions: { [EMAIL_LINK_TAGS.preferences]: preferences } };
    const unsubscribe = this.links.unsubscribe(delivery.memberId, content.category);
    return {
      ...recipient,
      headers: listUnsubscribeHeaders(unsubscribe),
      substitutions: { [EMAIL_LINK_TAGS.preferences]: preferences, [EMAIL_LINK_TAGS.unsubscribe]: unsubscribe },
    };
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
    rounds[round] ??= [];
    rounds[round].push(d);
  }
  return rounds;
}
