import { inParallel } from './in-parallel';

describe('inParallel', () => {
  it('calls every index once, in order of start, never more than the limit at once', async () => {
    const started: number[] = [];
    let inFlight = 0;
    let most = 0;
    await inParallel(10, 3, async (n) => {
      started.push(n);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((done) => setImmediate(done));
      inFlight -= 1;
    });
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(3);
  });

  it('starts no more calls than there are indexes, and none for zero', async () => {
    const calls: number[] = [];
    await inParallel(2, 64, async (n) => void calls.push(n));
    await inParallel(0, 4, async (n) => void calls.push(n));
    expect(calls).toEqual([0, 1]);
  });
});
