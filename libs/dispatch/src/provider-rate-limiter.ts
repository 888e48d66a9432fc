import type Redis from 'ioredis';
import type { AppMetrics } from '@bin-alert/platform';

/**
 * A token bucket per provider limit, kept in Redis so that every instance of every dispatcher
 * draws from the same bucket. Redis's own clock is used, so instances with skewed clocks agree.
 * Returns 0 when the tokens were taken, or how many milliseconds to wait before asking again.
 */
const TAKE_TOKENS = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local wait = 0
if tokens >= want then tokens = tokens - want else wait = math.ceil((want - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now), 'rate', ARGV[1], 'burst', ARGV[2])
if wait > 0 then redis.call('HSET', KEYS[1], 'throttled_until', tostring(now + wait)) end
redis.call('PEXPIRE', KEYS[1], 60000)
return wait
`;

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
  return name.split(':').slice(0, 2).join('_').replace(/[^a-z0-9_]/gi, '_');
}

export class ProviderRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly metrics?: AppMetrics,
  ) {}

  /**
   * Waits until `count` tokens of `limit` are available, then takes them; more than a second's
   * worth are taken a second's worth at a time. Senders take the tokens of a whole chunk at
   * once: one Redis round trip per chunk instead of one per message.
   */
  async acquire(limit: RateLimit, count = 1): Promise<void> {
    const burst = Math.max(1, limit.perSecond);
    let remaining = Math.max(0, count);
    const started = performance.now();
    while (remaining > 0) {
      const want = Math.min(remaining, burst);
      const wait = Number(await this.redis.eval(TAKE_TOKENS, 1, rateLimitBucketKey(limit.name), limit.perSecond, burst, want));
      if (wait <= 0) remaining -= want;
      else await new Promise((resolve) => setTimeout(resolve, wait));
    }
    this.metrics?.rateLimitWaitSeconds.observe({ limit: rateLimitLabel(limit.name) }, (performance.now() - started) / 1000);
  }
}

const BUCKET_PREFIX = 'bin:ratelimit:';

export function rateLimitBucketKey(name: string): string {
  return `${BUCKET_PREFIX}${name}`;
}

/** A bucket as the ops page shows it; buckets idle for a minute expire, i.e. are full again. */
export interface RateLimitBucketState {
  name: string;
  perSecond: number;
  burst: number;
  /** Tokens available now, refilled since the last take. */
  tokens: number;
  lastTakenAt: Date;
  /** Until when the last sender that found the bucket empty was told to wait. */
  throttledUntil: Date | null;
}

/** Every live bucket, read the way the limiter writes them (few keys: one per provider limit). */
export async function readRateLimitBuckets(redis: Redis): Promise<RateLimitBucketState[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${BUCKET_PREFIX}*`, 'COUNT', 100);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  const [seconds, micros] = await redis.time();
  const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  const states: RateLimitBucketState[] = [];
  for (const key of keys.sort()) {
    const [tokens, at, rate, burst, throttledUntil] = await redis.hmget(key, 'tokens', 'at', 'rate', 'burst', 'throttled_until');
    if (tokens === null || at === null) continue;
    const perSecond = Number(rate ?? 0);
    const size = Number(burst ?? perSecond);
    const refilled = Math.min(size, Number(tokens) + (Math.max(0, now - Number(at)) * perSecond) / 1000);
    states.push({
      name: key.slice(BUCKET_PREFIX.length),
      perSecond,
      burst: size,
      tokens: Math.floor(refilled),
      lastTakenAt: new Date(Number(at)),
      throttledUntil: throttledUntil ? new Date(Number(throttledUntil)) : null,
    });
  }
  return states;
}
