import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { createRedis } from '../redis/create-redis';
import { redisStores } from '../stores/redis-stores';
import { testConfig } from '../../../../bench/src/support/test-config';
import { LoginThrottle } from './login-throttle';

/** The sign-in limits on the real Redis, as every intake instance shares them. */
describe('LoginThrottle', () => {
  let redis: Redis;

  beforeAll(() => {
    redis = createRedis(testConfig().REDIS_URL);
  });

  afterAll(async () => {
    await redis.quit();
  });

  it('limits attempts from one address across many usernames', async () => {
    const throttle = new LoginThrottle(redisStores(redis).windows, { perUsername: 100, perIp: 3, windowSeconds: 60 });
    const ip = `10.0.0.${Math.floor(Math.random() * 250)}-${randomUUID()}`;
    for (const name of ['a', 'b', 'c']) expect(await throttle.attempt(name, ip)).toEqual({ allowed: true });
    const verdict = await throttle.attempt('d', ip);
    expect(verdict).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number) });
    expect((verdict as { retryAfterSeconds: number }).retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await throttle.attempt('d', `${ip}-other`)).toEqual({ allowed: true });
  });

  it('limits attempts on one username from anywhere, and forgets them after a successful sign-in', async () => {
    const throttle = new LoginThrottle(redisStores(redis).windows, { perUsername: 2, perIp: 100, windowSeconds: 60 });
    const username = `user-${randomUUID()}`;
    expect(await throttle.attempt(username, '10.1.1.1')).toEqual({ allowed: true });
    expect(await throttle.attempt(username.toUpperCase(), '10.1.1.2')).toEqual({ allowed: true });
    expect((await throttle.attempt(username, '10.1.1.3')).allowed).toBe(false);
    await throttle.succeeded(username);
    expect(await throttle.attempt(username, '10.1.1.4')).toEqual({ allowed: true });
    const keys = await redis.keys('bin:login:username:*');
    expect(keys.some((k) => k.includes(username))).toBe(false);
  });
});
