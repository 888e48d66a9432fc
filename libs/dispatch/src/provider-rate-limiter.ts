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
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
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
      const wait = Number(await this.redis.eval(TAKE_TOKENS, 1, `bin:ratelimit:${limit.name}`, limit.perSecond, burst, want));
      if (wait <= 0) remaining -= want;
      else await new Promise((resolve) => setTimeout(resolve, wait));
    }
    this.metrics?.rateLimitWaitSeconds.observe({ limit: rateLimitLabel(limit.name) }, (performance.now() - started) / 1000);
  }
}
