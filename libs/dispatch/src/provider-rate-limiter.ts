import { rateLimitBucketKey, type AppMetrics, type TokenBuckets } from '@bin-alert/platform';

export interface RateLimit {
  /** Redis key suffix, e.g. `twilio:messages:+32460200100`. */
  name: string;
  perSecond: number;
}

/**
 * The metric label of a limit: its provider and resource (`twilio_messages`), without the sending
 * number or account that follows, so that the series stay few and carry no phone number.
 */
export function rateLimitLabel(name: string): string {
  return name
    .split(':')
    .slice(0, 2)
    .join('_')
    .replace(/[^a-z0-9_]/gi, '_');
}

/**
 * The shared limit's store (Redis) did not answer: nothing was sent, and nothing is known about
 * the member. sendWithRetry retries it under the retry policy, then the delivery is held with
 * this reason until the store answers again (ADR 0025), never failed.
 */
export class RateLimiterUnavailableError extends Error {
  override readonly name = 'RateLimiterUnavailableError';
  readonly reason = 'rate_limiter_unavailable';
}

/**
 * A token bucket per provider limit. In distributed mode the buckets are in Redis, so every
 * instance of every dispatcher draws from the same bucket; in standalone mode, in memory.
 */
export class ProviderRateLimiter {
  constructor(
    private readonly buckets: TokenBuckets,
    private readonly metrics?: AppMetrics,
  ) {}

  /**
   * Waits until `count` tokens of `limit` are available, then takes them; more than a second's
   * worth are taken a second's worth at a time. Senders take the tokens of a whole chunk at
   * once: one call to the bucket store (Redis) per chunk instead of one per message.
   */
  async acquire(limit: RateLimit, count = 1): Promise<void> {
    const burst = Math.max(1, limit.perSecond);
    let remaining = Math.max(0, count);
    const started = performance.now();
    while (remaining > 0) {
      const want = Math.min(remaining, burst);
      const wait = await this.buckets.take(rateLimitBucketKey(limit.name), limit.perSecond, burst, want).catch((error: unknown) => {
        throw new RateLimiterUnavailableError(`rate limit ${limit.name}: ${String(error).slice(0, 200)}`, { cause: error });
      });
      if (wait <= 0) remaining -= want;
      else await new Promise((resolve) => setTimeout(resolve, wait));
    }
    this.metrics?.rateLimitWaitSeconds.observe({ limit: rateLimitLabel(limit.name) }, (performance.now() - started) / 1000);
  }
}
