import type { Urgency } from '@bin-alert/domain';
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

/** One caller of `acquire`, waiting in its limit's queue. */
interface Waiter {
  limit: RateLimit;
  remaining: number;
  started: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The callers of one limit in this process, urgent ones first, and the one loop that asks the
 * bucket store for them. Only the head of the queue asks; the others wait on a promise, not on a
 * timer of their own.
 */
class LimitQueue {
  readonly urgent: Waiter[] = [];
  readonly normal: Waiter[] = [];
  draining = false;
  /** Ends the head's sleep early: an urgent caller came while a normal one was waiting for tokens. */
  private wake: (() => void) | null = null;
  private sleeper: Waiter | null = null;

  add(waiter: Waiter, lane: Urgency): void {
    if (lane === 'urgent') {
      this.urgent.push(waiter);
      if (this.sleeper && !this.urgent.includes(this.sleeper)) this.wake?.();
    } else this.normal.push(waiter);
  }

  head(): Waiter | undefined {
    return this.urgent[0] ?? this.normal[0];
  }

  remove(waiter: Waiter): void {
    const lane = this.urgent[0] === waiter ? this.urgent : this.normal;
    lane.splice(lane.indexOf(waiter), 1);
  }

  /** Every waiter, taken out of the queue. */
  takeAll(): Waiter[] {
    return [...this.urgent.splice(0), ...this.normal.splice(0)];
  }

  sleep(ms: number, sleeper: Waiter): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        this.sleeper = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      this.sleeper = sleeper;
    });
  }
}

/**
 * A token bucket per provider limit. In distributed mode the buckets are in Redis, so every
 * instance of every dispatcher draws from the same bucket; in standalone mode, in memory.
 *
 * The callers of a limit queue up in the process, and only the head asks the store, then sleeps
 * for as long as the store says (docs/benchmarks.md, 2026-12-06 evening): each of a hundred
 * callers polling the store on its own timer kept the voice dispatcher busy while it only waited
 * for its 50 calls per second. Tokens are still taken only by the store, so the limit holds
 * across instances exactly as before; urgent callers go before normal ones.
 */
export class ProviderRateLimiter {
  private readonly queues = new Map<string, LimitQueue>();

  constructor(
    private readonly buckets: TokenBuckets,
    private readonly metrics?: AppMetrics,
  ) {}

  /**
   * Waits until `count` tokens of `limit` are available, then takes them; more than a second's
   * worth are taken a second's worth at a time. Senders take the tokens of a whole chunk at
   * once: one call to the bucket store (Redis) per chunk instead of one per message.
   */
  acquire(limit: RateLimit, count = 1, lane: Urgency = 'normal'): Promise<void> {
    if (count <= 0) return Promise.resolve();
    const queue = this.queues.get(limit.name) ?? new LimitQueue();
    this.queues.set(limit.name, queue);
    const done = new Promise<void>((resolve, reject) => queue.add({ limit, remaining: count, started: performance.now(), resolve, reject }, lane));
    if (!queue.draining) void this.drain(limit.name, queue);
    return done;
  }

  private async drain(name: string, queue: LimitQueue): Promise<void> {
    queue.draining = true;
    const key = rateLimitBucketKey(name);
    try {
      for (let waiter = queue.head(); waiter; waiter = queue.head()) {
        const { limit } = waiter;
        const burst = Math.max(1, limit.perSecond);
        const want = Math.min(waiter.remaining, burst);
        let wait: number;
        try {
          wait = await this.buckets.take(key, limit.perSecond, burst, want);
        } catch (error) {
          // The store is away for every caller queued behind this one too: they all hear it now,
          // rather than one store timeout after another.
          const unavailable = new RateLimiterUnavailableError(`rate limit ${name}: ${String(error).slice(0, 200)}`, { cause: error });
          for (const w of queue.takeAll()) w.reject(unavailable);
          continue;
        }
        if (wait > 0) {
          await queue.sleep(wait, waiter);
          continue;
        }
        waiter.remaining -= want;
        if (waiter.remaining > 0) continue;
        queue.remove(waiter);
        this.metrics?.rateLimitWaitSeconds.observe({ limit: rateLimitLabel(name) }, (performance.now() - waiter.started) / 1000);
        waiter.resolve();
      }
    } finally {
      queue.draining = false;
      if (queue.head()) void this.drain(name, queue);
      else this.queues.delete(name);
    }
  }
}
