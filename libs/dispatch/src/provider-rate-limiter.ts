import type { TokenBuckets } from '@bin-alert/platform';

export interface RateLimit {
  /** Bucket name, e.g. `twilio:messages:+32460200100`. */
  name: string;
  perSecond: number;
}

/**
 * A token bucket per provider limit. In distributed mode the buckets are in Redis, so every
 * instance of every dispatcher draws from the same bucket; in standalone mode, in memory.
 */
export class ProviderRateLimiter {
  constructor(private readonly buckets: TokenBuckets) {}

  /** Waits until `count` tokens of `limit` are available, then takes them. */
  async acquire(limit: RateLimit, count = 1): Promise<void> {
    const burst = Math.max(1, limit.perSecond);
    const want = Math.min(count, burst);
    for (;;) {
      const wait = await this.buckets.take(`bin:ratelimit:${limit.name}`, limit.perSecond, burst, want);
      if (wait <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
