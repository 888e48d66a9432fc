import { randomUUID } from 'node:crypto';
import { Stores, TokenBuckets, createRedis, redisStores } from '@bin-alert/platform';
import { testConfig } from '../../../bench/src/support/test-config';
import { ProviderRateLimiter } from './provider-rate-limiter';

/** The shared token bucket on the real Redis: what every instance of every dispatcher draws from. */
describe('ProviderRateLimiter', () => {
  let redis: Stores;
  let other: Stores;

  beforeAll(() => {
    redis = redisStores(createRedis(testConfig().REDIS_URL));
    other = redisStores(createRedis(testConfig().REDIS_URL));
  });

  afterAll(async () => {
    await redis.close();
    await other.close();
  });

  it('takes a chunk bigger than a second of tokens a second at a time, instead of letting it through', async () => {
    const limit = { name: `test:${randomUUID()}`, perSecond: 50 };
    const started = Date.now();
    await new ProviderRateLimiter(redis.buckets).acquire(limit, 120);
    // 50 at once (the burst), then 70 more at 50 per second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_300);
  });

  it('shares one bucket between instances', async () => {
    const limit = { name: `test:${randomUUID()}`, perSecond: 40 };
    const started = Date.now();
    await Promise.all([new ProviderRateLimiter(redis.buckets).acquire(limit, 40), new ProviderRateLimiter(other.buckets).acquire(limit, 40)]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('asks nothing of Redis for no tokens', async () => {
    const limit = { name: `test:${randomUUID()}`, perSecond: 1 };
    await new ProviderRateLimiter(redis.buckets).acquire(limit, 1);
    const started = Date.now();
    await new ProviderRateLimiter(redis.buckets).acquire(limit, 0);
    expect(Date.now() - started).toBeLessThan(500);
  });
  /** The store, counting the times it is asked, and optionally failing. */
  function counted(buckets: TokenBuckets, fail = false) {
    const asked = { takes: 0 };
    const wrapped: TokenBuckets = {
      take: async (...args) => {
        asked.takes++;
        if (fail) throw new Error('connection is closed');
        return buckets.take(...args);
      },
      list: (prefix) => buckets.list(prefix),
    };
    return { asked, wrapped };
  }

  it('lets callers waiting in one process wait without asking Redis over and over, at the same rate', async () => {
    const limit = { name: `test:${randomUUID()}`, perSecond: 50 };
    const { asked, wrapped } = counted(redis.buckets);
    const limiter = new ProviderRateLimiter(wrapped);
    const started = Date.now();
    const granted: number[] = [];
    await Promise.all(Array.from({ length: 100 }, () => limiter.acquire(limit, 1).then(() => granted.push(Date.now() - started))));
    // 50 at once (the burst), then 50 more at 50 per second: none before its token.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(granted.filter((ms) => ms < 500).length).toBeLessThanOrEqual(50 + 25 + 1);
    // One take per grant, and about one more per wait: each of 100 callers polling on its own asked thousands of times.
    expect(asked.takes).toBeLessThanOrEqual(2 * 100 + 10);
  });

  it('still shares the bucket with another instance while callers queue in each', async () => {
    const limit = { name: `test:${randomUUID()}`, perSecond: 40 };
    const a = new ProviderRateLimiter(redis.buckets);
    const b = new ProviderRateLimiter(other.buckets);
    const started = Date.now();
    await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).acquire(limit, 1)));
    // 40 at once, 20 more at 40 per second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('serves an urgent caller before the normal ones queued ahead of it', async () => {
    const limit = { name: `test:${randomUUID()}`, perSecond: 20 };
    const limiter = new ProviderRateLimiter(redis.buckets);
    await limiter.acquire(limit, 20);
    const order: string[] = [];
    const normal = Array.from({ length: 10 }, (_, i) => limiter.acquire(limit, 1, 'normal').then(() => order.push(`normal ${i}`)));
    await new Promise((r) => setTimeout(r, 20));
    const urgent = limiter.acquire(limit, 1, 'urgent').then(() => order.push('urgent'));
    await Promise.all([...normal, urgent]);
    expect(order.indexOf('urgent')).toBeLessThanOrEqual(1);
  });

  it('tells every queued caller at once that the store is away, and serves the next ones when it is back', async () => {
    const limit = { name: `test:${randomUUID()}`, perSecond: 10 };
    const { asked, wrapped } = counted(redis.buckets, true);
    const limiter = new ProviderRateLimiter(wrapped);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => limiter.acquire(limit, 1)));
    expect(results.every((r) => r.status === 'rejected' && (r.reason as Error).name === 'RateLimiterUnavailableError')).toBe(true);
    expect(asked.takes).toBe(1);
    await expect(new ProviderRateLimiter(redis.buckets).acquire(limit, 1)).resolves.toBeUndefined();
  });
});
