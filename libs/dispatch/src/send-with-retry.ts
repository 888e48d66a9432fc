import { RetryPolicy, mayRetry, retryDelayMs } from '@bin-alert/domain';
import { ProviderError } from '@bin-alert/providers';

export type SendResult = { ok: true; providerId: string } | { ok: false; reason: string };

/**
 * One provider call under the one retry policy: retryable failures (429, 5xx, network) are tried
 * again with backoff; terminal ones (invalid number, landline, unsubscribed) end at once with
 * their reason, because sending again cannot succeed.
 */
export async function sendWithRetry(call: () => Promise<{ providerId: string }>, policy: RetryPolicy): Promise<SendResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { providerId } = await call();
      return { ok: true, providerId };
    } catch (error) {
      const failure = error instanceof ProviderError ? error : null;
      const retryable = failure ? failure.kind === 'retryable' : false;
      const reason = failure ? failure.reason : `unexpected_error: ${String(error).slice(0, 200)}`;
      if (!retryable || !mayRetry(attempt, policy)) return { ok: false, reason: retryable ? `${reason}_after_${attempt}_attempts` : reason };
      await new Promise((r) => setTimeout(r, retryDelayMs(attempt, policy)));
    }
  }
}

export type InDoubtResult = { status: 'accepted'; providerId: string } | { status: 'failed'; reason: string } | { status: 'not_found' };

/**
 * For a delivery whose earlier sender died mid-call: asks the provider, under the same retry
 * policy, whether the message went out then. Found means accepted (never send it twice); not
 * found means send it now; no answer at all is recorded as a failure with its reason.
 */
export async function findInDoubt(lookup: () => Promise<{ providerId: string } | null>, policy: RetryPolicy): Promise<InDoubtResult> {
  const result = await sendWithRetry(async () => (await lookup()) ?? { providerId: '' }, policy);
  if (!result.ok) return { status: 'failed', reason: `in_doubt_check_failed: ${result.reason}` };
  return result.providerId ? { status: 'accepted', providerId: result.providerId } : { status: 'not_found' };
}
