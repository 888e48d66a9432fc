import type { RateLimitBucketState } from '@bin-alert/domain';
import type { TokenBuckets } from './stores';

/**
 * The provider rate limits' token buckets as stored: the dispatchers' limiter writes them, the
 * ops page reads them. Here, with the stores, so that the ops page need not load the dispatcher.
 */
const BUCKET_PREFIX = 'bin:ratelimit:';

export function rateLimitBucketKey(name: string): string {
  return `${BUCKET_PREFIX}${name}`;
}

/** Every live bucket, as the limiter last wrote it (few: one per provider limit), as the ops page shows it (libs/domain). */
export async function readRateLimitBuckets(buckets: TokenBuckets): Promise<RateLimitBucketState[]> {
  const { now, buckets: stored } = await buckets.list(BUCKET_PREFIX);
  return stored.map((b) => ({
    name: b.key.slice(BUCKET_PREFIX.length),
    perSecond: b.perSecond,
    burst: b.burst,
    tokens: Math.floor(Math.min(b.burst, b.tokens + (Math.max(0, now - b.at) * b.perSecond) / 1000)),
    lastTakenAt: new Date(b.at).toISOString(),
    throttledUntil: b.throttledUntil === null ? null : new Date(b.throttledUntil).toISOString(),
  }));
}
