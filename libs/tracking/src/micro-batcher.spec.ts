import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  it('gathers what concurrent callers submit into one batch and answers each its own results', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, string>({ maxItems: 100, maxWaitMs: 5 }, async (items) => {
      batches.push(items);
      return items.map((n) => `#${n}`);
    });
    const answers = await Promise.all([batcher.submit([1, 2]), batcher.submit([3]), batcher.submit([4, 5, 6])]);
    expect(answers).toEqual([['#1', '#2'], ['#3'], ['#4', '#5', '#6']]);
    expect(batches).toEqual([[1, 2, 3, 4, 5, 6]]);
  });

  it('processes one batch at a time, in the order submissions came in, what waited meanwhile going next at once', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const batcher = new MicroBatcher<number, number>({ maxItems: 3, maxWaitMs: 1 }, async (items) => {
      batches.push(items);
      if (batches.length === 1) await first;
      return items;
    });
    const a = batcher.submit([1, 2, 3]);
    await new Promise((r) => setTimeout(r, 5));
    const rest = [batcher.submit([4]), batcher.submit([5, 6]), batcher.submit([7])];
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).toEqual([[1, 2, 3]]);
    release();
    await Promise.all([a, ...rest]);
    // At most maxItems per batch, never splitting a submission.
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('lets the batch that queued behind a busy one wait for company until its oldest item has waited maxWaitMs', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const busy = new Promise<void>((resolve) => (release = resolve));
    const batcher = new MicroBatcher<number, number>({ maxItems: 100, maxWaitMs: 40 }, async (items) => {
      batches.push(items);
      if (batches.length === 1) await busy;
      return items;
    });
    const first = batcher.submit([1]);
    await new Promise((r) => setTimeout(r, 50));
    const second = batcher.submit([2]);
    release();
    await new Promise((r) => setTimeout(r, 10));
    // The first batch ended 10 ms ago; [2] has waited less than 40 ms, so [3] still joins it.
    const third = batcher.submit([3]);
    await Promise.all([first, second, third]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('fails every caller of a failed batch, and goes on with the next', async () => {
    let fail = true;
    const batcher = new MicroBatcher<number, number>({ maxItems: 10, maxWaitMs: 1 }, async (items) => {
      if (fail) throw new Error('broker down');
      return items;
    });
    const failed = await Promise.allSettled([batcher.submit([1]), batcher.submit([2])]);
    expect(failed.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['Error: broker down', 'Error: broker down']);
    fail = false;
    expect(await batcher.submit([3])).toEqual([3]);
  });

  it('sends a submission larger than maxItems whole, and an empty one not at all', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>({ maxItems: 2, maxWaitMs: 1 }, async (items) => {
      batches.push(items);
      return items;
    });
    expect(await batcher.submit([1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
    expect(await batcher.submit([])).toEqual([]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });
});
