import { randomUUID } from 'node:crypto';
import type { Stores } from '@bin-alert/platform';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The behaviour the rate limiter and the tracker rely on, run against Redis (integration tier)
 * and the in-memory stores of standalone mode (unit tier) with the same cases.
 */
export function storesContract(name: string, open: () => Promise<Stores>): void {
  describe(`Stores contract: ${name}`, () => {
    let stores: Stores;
    const key = (what: string) => `bin:test:${randomUUID()}:${what}`;

    beforeAll(async () => {
      stores = await open();
    });
    afterAll(async () => {
      await stores?.close();
    });

    it('answers ping', async () => {
      await expect(stores.ping()).resolves.toBeUndefined();
    });

    describe('token buckets', () => {
      it('starts full, gives up to the burst at once, then says how long to wait without taking anything', async () => {
        const bucket = key('bucket');
        expect(await stores.buckets.take(bucket, 10, 10, 4)).toBe(0);
        expect(await stores.buckets.take(bucket, 10, 10, 6)).toBe(0);
        const wait = await stores.buckets.take(bucket, 10, 10, 5);
        // 5 tokens at 10 per second: about half a second (less whatever refilled meanwhile).
        expect(wait).toBeGreaterThan(300);
        expect(wait).toBeLessThanOrEqual(500);
        // Refused requests take nothing: after the wait, the 5 tokens are there.
        await sleep(wait + 20);
        expect(await stores.buckets.take(bucket, 10, 10, 5)).toBe(0);
      });

      it('refills at the rate and never beyond the burst', async () => {
        const bucket = key('bucket');
        // 10 per second: one token takes 100 ms to come back, so a loaded machine's pause between
        // the last two calls cannot refill it (at 100 per second, 10 ms could, and did once).
        expect(await stores.buckets.take(bucket, 10, 5, 5)).toBe(0);
        await sleep(2_000); // 20 tokens' worth of time, capped at 5
        expect(await stores.buckets.take(bucket, 10, 5, 5)).toBe(0);
        expect(await stores.buckets.take(bucket, 10, 5, 1)).toBeGreaterThan(0);
      });

      it('keeps buckets apart by key', async () => {
        const a = key('a');
        expect(await stores.buckets.take(a, 1, 1, 1)).toBe(0);
        expect(await stores.buckets.take(a, 1, 1, 1)).toBeGreaterThan(0);
        expect(await stores.buckets.take(key('b'), 1, 1, 1)).toBe(0);
      });
    });

    describe('seen marks', () => {
      it('marks each key once and says which were new', async () => {
        const [a, b, c] = [key('a'), key('b'), key('c')];
        expect(await stores.seen.markFirst([a, b], 60)).toEqual([true, true]);
        expect(await stores.seen.markFirst([a, c, b], 60)).toEqual([false, true, false]);
        expect(await stores.seen.markFirst([], 60)).toEqual([]);
      });

      it('forgets marks on request, and by themselves after their time', async () => {
        const [a, b] = [key('a'), key('b')];
        await stores.seen.markFirst([a], 60);
        await stores.seen.forget([a]);
        await stores.seen.forget([]);
        expect(await stores.seen.markFirst([a], 60)).toEqual([true]);
        await stores.seen.markFirst([b], 1);
        await sleep(1_100);
        expect(await stores.seen.markFirst([b], 1)).toEqual([true]);
      });

      it('claims a batch of keys in one call, telling pending claims from done ones', async () => {
        const [a, b, c, old] = [key('a'), key('b'), key('c'), key('old')];
        await stores.seen.markFirst([old], 60);
        expect(await stores.seen.claim([a, b, old], 60)).toEqual(['claimed', 'claimed', 'done']);
        // Claimed but not confirmed: whoever comes next must not take the work as done.
        expect(await stores.seen.claim([a, c], 60)).toEqual(['pending', 'claimed']);
        await stores.seen.confirm([a], 60);
        await stores.seen.forget([b]);
        expect(await stores.seen.claim([a, b], 60)).toEqual(['done', 'claimed']);
        expect(await stores.seen.markFirst([a], 60)).toEqual([false]);
        expect(await stores.seen.claim([], 60)).toEqual([]);
        await stores.seen.confirm([], 60);
      });

      it('lets a pending claim lapse after its own time, and a confirmed one live its full time', async () => {
        const [a, b] = [key('a'), key('b')];
        await stores.seen.claim([a, b], 1);
        await stores.seen.confirm([b], 60);
        await sleep(1_100);
        expect(await stores.seen.claim([a, b], 1)).toEqual(['claimed', 'done']);
      });
    });

    describe('fixed windows', () => {
      it('counts hits per key and says how long each window has left', async () => {
        const [a, b] = [key('a'), key('b')];
        expect(await stores.windows.hit([a, b], 60)).toEqual([
          { count: 1, ttlSeconds: expect.any(Number) },
          { count: 1, ttlSeconds: expect.any(Number) },
        ]);
        const [again] = await stores.windows.hit([a], 60);
        expect(again.count).toBe(2);
        expect(again.ttlSeconds).toBeGreaterThan(55);
        expect(again.ttlSeconds).toBeLessThanOrEqual(60);
      });

      it('starts a key afresh when cleared, and when its window is over', async () => {
        const [a, b] = [key('a'), key('b')];
        await stores.windows.hit([a], 60);
        await stores.windows.clear(a);
        expect((await stores.windows.hit([a], 60))[0].count).toBe(1);
        await stores.windows.hit([b], 1);
        await stores.windows.hit([b], 1);
        await sleep(1_100);
        expect((await stores.windows.hit([b], 1))[0].count).toBe(1);
      });

      it('loses no hit when many land at once', async () => {
        const a = key('busy');
        await Promise.all(Array.from({ length: 30 }, () => stores.windows.hit([a], 60)));
        expect((await stores.windows.hit([a], 60))[0].count).toBe(31);
      });
    });

    describe('counters', () => {
      it('adds deltas per field, keeping fields that went back to zero', async () => {
        const group = key('counters');
        expect(await stores.counters.read(group)).toEqual({});
        await stores.counters.add(group, { sent: 1, delivered: 0 });
        await stores.counters.add(group, { sent: -1, delivered: 2 });
        await stores.counters.add(group, {});
        expect(await stores.counters.read(group)).toEqual({ sent: 0, delivered: 2 });
      });

      it('adds to several groups at once', async () => {
        const [a, b] = [key('a'), key('b')];
        await stores.counters.addAll({ [a]: { sent: 2, delivered: 0 }, [b]: { delivered: 1 } });
        await stores.counters.addAll({ [a]: { sent: -1, delivered: 1 }, [b]: {} });
        await stores.counters.addAll({});
        expect(await stores.counters.read(a)).toEqual({ sent: 1, delivered: 1 });
        expect(await stores.counters.read(b)).toEqual({ delivered: 1 });
      });

      it('replaces whole groups, deleting the ones given empty', async () => {
        const [a, b] = [key('a'), key('b')];
        await stores.counters.add(a, { sent: 3, failed: 1 });
        await stores.counters.add(b, { sent: 2 });
        await stores.counters.replace({ [a]: { delivered: 4 }, [b]: {} });
        expect(await stores.counters.read(a)).toEqual({ delivered: 4 });
        expect(await stores.counters.read(b)).toEqual({});
      });

      it('loses no increment when many land at once', async () => {
        const group = key('busy');
        await Promise.all(Array.from({ length: 50 }, () => stores.counters.add(group, { delivered: 1, sent: -1 })));
        expect(await stores.counters.read(group)).toEqual({ delivered: 50, sent: -50 });
      });
    });
  });
}
