import { RetryPolicy, mayRetry, retryDelayMs } from '@bin-alert/domain';
import type { DeliveryOutcome } from '@bin-alert/persistence';
import { ProviderError } from '@bin-alert/providers';
import type { Urgency } from '@bin-alert/domain';
import { ProviderRateLimiter, RateLimit, RateLimiterUnavailableError } from './provider-rate-limiter';
import { LeaseLostError } from './lease-fence';

/**
 * `retryable`: the failure says nothing about the member (the provider or the rate limiter was
 * away past the policy's attempts), so the delivery is held rather than failed. `inDoubtSince`:
 * a call went unanswered and may have reached the provider (ProviderError.mayHaveReachedProvider)
 * at that time; whoever sends the delivery next asks the provider first (findInDoubt).
 */
export type SendResult = { ok: true; providerId: string; answeredAt: Date } | { ok: false; reason: string; retryable: boolean; inDoubtSince?: Date };

/**
 * One provider call under the one retry policy: retryable failures (429, 5xx, network, the rate
 * limiter's store not answering) are tried again with backoff; terminal ones (invalid number,
 * landline, unsubscribed) end at once with their reason, because sending again cannot succeed.
 * `unanswered: 'hold'`, for a provider the next sender can ask (Twilio): a call that got no
 * answer may have reached the provider and is not made again here; the delivery is held with
 * the doubt, and its next sender, SEND_HOLD_RULE.retryAfterMs later, asks the provider before
 * sending (findInDoubt). Asking at once would race the unanswered request itself, which a
 * saturated provider may still be reading (chaos finding 1: 30 s timeouts, each create made
 * again, sent 476 SMS and calls twice). `'repeat'` (SendGrid, which cannot be asked and whose
 * client has no timeout: what goes unanswered there is a connection reset, in the chaos runs
 * always before the request was read) makes it again. A lost lease (LeaseLostError) is not a
 * failure of the call: it is passed on, nothing is retried. `answeredAt`: when the provider's
 * acceptance came back, the delivery's `accepted_at` (ADR 0057), not when its chunk's outcomes are
 * written after the chunk's slowest call.
 */
export async function sendWithRetry(call: () => Promise<{ providerId: string }>, policy: RetryPolicy, unanswered: 'hold' | 'repeat' = 'repeat'): Promise<SendResult> {
  for (let attempt = 1; ; attempt++) {
    const startedAt = new Date();
    try {
      const { providerId } = await call();
      return { ok: true, providerId, answeredAt: new Date() };
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      const failure = error instanceof ProviderError ? error : null;
      const retryable = failure ? failure.kind === 'retryable' : error instanceof RateLimiterUnavailableError;
      const reason = failure ? failure.reason : error instanceof RateLimiterUnavailableError ? error.reason : `unexpected_error: ${String(error).slice(0, 200)}`;
      if (failure?.mayHaveReachedProvider && unanswered === 'hold') return { ok: false, reason: `${reason}_in_doubt`, retryable: true, inDoubtSince: startedAt };
      if (!retryable || !mayRetry(attempt, policy)) return { ok: false, reason: retryable ? `${reason}_after_${attempt}_attempts` : reason, retryable };
      await new Promise((r) => setTimeout(r, retryDelayMs(attempt, policy)));
    }
  }
}

/**
 * A chunk's first attempts take their tokens at once: one call to the shared bucket (Redis) per
 * chunk instead of one per message. False when the limiter's store is away: each call then asks
 * for its own under the retry policy (sendWithRetry), which holds the delivery if it stays away.
 */
export function tokensTakenUpFront(limiter: ProviderRateLimiter, limit: RateLimit, count: number, lane: Urgency): Promise<boolean> {
  return limiter.acquire(limit, count, lane).then(
    () => true,
    (error: unknown) => {
      if (error instanceof RateLimiterUnavailableError) return false;
      throw error;
    },
  );
}

/**
 * The outcome of one delivery's send: accepted, failed for a reason about the member, or held
 * (the job sender decides how long, holdUnsentDelivery) when the provider or the limiter was away.
 */
export function outcomeOf(delivery: { id: string; inDoubtSince: Date | null }, result: SendResult): DeliveryOutcome {
  if (result.ok) return { id: delivery.id, status: 'accepted', providerId: result.providerId, acceptedAt: result.answeredAt };
  // The earliest doubt: an earlier holder's call, or this one's unanswered call (chaos finding 1, candidate e).
  if (result.retryable) return { id: delivery.id, status: 'held', reason: result.reason, inDoubtSince: delivery.inDoubtSince ?? result.inDoubtSince ?? null };
  return { id: delivery.id, status: 'failed', reason: result.reason };
}

export type InDoubtResult = { status: 'accepted'; providerId: string } | { status: 'failed' | 'held'; reason: string } | { status: 'not_found' };

/**
 * For a delivery whose earlier sender may have called the provider without recording the outcome:
 * asks the provider, under the same retry policy, whether the message went out then. Found means
 * accepted (never send it twice); not found means send it now; a provider that does not answer
 * holds the delivery, still in doubt; a terminal refusal is recorded as a failure with its reason.
 */
export async function findInDoubt(lookup: () => Promise<{ providerId: string } | null>, policy: RetryPolicy): Promise<InDoubtResult> {
  const asked = await askInDoubt(lookup, policy);
  if (asked.status !== 'answered') return asked;
  return asked.answer ? { status: 'accepted', providerId: asked.answer.providerId } : { status: 'not_found' };
}

/**
 * The provider's answer to an in-doubt lookup, asked under the retry policy: a provider that does
 * not answer holds the delivery, a terminal refusal fails it (findInDoubt). For calls, whose answer
 * is a list of candidates the dispatcher then decides among (placedCallOf).
 */
export async function askInDoubt<T>(lookup: () => Promise<T>, policy: RetryPolicy): Promise<{ status: 'answered'; answer: T } | { status: 'failed' | 'held'; reason: string }> {
  let answer: T | undefined;
  const result = await sendWithRetry(async () => {
    answer = await lookup();
    return { providerId: '' };
  }, policy);
  if (!result.ok) return { status: result.retryable ? 'held' : 'failed', reason: `in_doubt_check_failed: ${result.reason}` };
  return { status: 'answered', answer: answer as T };
}
