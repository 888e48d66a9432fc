import { randomUUID } from 'node:crypto';
import { Stores, createRedis, redisStores } from '@bin-alert/platform';
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
});
