import { mapWithConcurrency } from './concurrency';

describe('mapWithConcurrency', () => {
  it('keeps the input order with at most `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (n) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, n));
      inFlight--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  it('throws a failure only after every started call has finished, and starts no new one', async () => {
    const finished: number[] = [];
    const started: number[] = [];
    const run = mapWithConcurrency([1, 2, 3, 4, 5, 6], 3, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('heartbeat refused: the group is rebalancing');
      await new Promise((resolve) => setTimeout(resolve, 30));
      finished.push(n);
      return n;
    });
    await expect(run).rejects.toThrow('heartbeat refused');
    // 2 and 3 were in flight when 1 failed: the caller hears of it only once they are done.
    expect(finished.sort()).toEqual([2, 3]);
    expect(started.sort()).toEqual([1, 2, 3]);
  });
});
