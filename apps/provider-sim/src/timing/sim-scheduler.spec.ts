import { Cancelled, SimScheduler, Sleeper } from './sim-scheduler';

describe('SimScheduler', () => {
  let scheduler: SimScheduler;

  beforeEach(() => {
    scheduler = new SimScheduler();
  });
  afterEach(() => scheduler.cancelAll());

  it('wakes sleepers in the order they are due, on one timer', async () => {
    const woke: number[] = [];
    const token = scheduler.current;

    await Promise.all([30, 5, 15, 5, 0].map((ms, i) => scheduler.sleep(ms, token).then(() => woke.push(i))));

    expect(woke).toEqual([4, 1, 3, 2, 0]);
  });

  it('counts tasks until they end', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    scheduler.spawn('task', async (token) => {
      await gate;
      await scheduler.sleep(1, token);
    });

    expect(scheduler.pending).toBe(1);
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(scheduler.pending).toBe(0);
  });

  it('cancels every sleeper of the generation at once, and later sleeps of it too', async () => {
    const token = scheduler.current;
    const sleeping = scheduler.sleep(60_000, token);
    scheduler.spawn('long', (t) => scheduler.sleep(60_000, t));

    scheduler.cancelAll();

    await expect(sleeping).rejects.toBeInstanceOf(Cancelled);
    await expect(scheduler.sleep(1, token)).rejects.toBeInstanceOf(Cancelled);
    expect(scheduler.isCancelled(token)).toBe(true);
    expect(scheduler.pending).toBe(0);
  });

  it('does not let a cancelled generation miscount the next one', async () => {
    let finishOld!: () => void;
    scheduler.spawn('old', () => new Promise<void>((resolve) => (finishOld = resolve)));
    scheduler.cancelAll();
    scheduler.spawn('new', (token) => scheduler.sleep(60_000, token));

    finishOld();
    await new Promise((resolve) => setImmediate(resolve));

    expect(scheduler.pending).toBe(1);
  });

  it('wakes records that are their own sleepers, in order with promise sleeps, and counts them from begin to end', async () => {
    const woke: string[] = [];
    const record = (name: string): Sleeper => ({ at: 0, order: 0, wake: () => woke.push(name), cancel: () => woke.push(`${name} cancelled`) });
    const token = scheduler.begin();

    scheduler.wakeAt(10, record('b'), token);
    scheduler.wakeAt(0, record('a'), token);
    await scheduler.sleep(20, token);

    expect(woke).toEqual(['a', 'b']);
    expect(scheduler.pending).toBe(1);
    scheduler.end(token);
    expect(scheduler.pending).toBe(0);
  });

  it('tells a record its generation was cancelled, and does not count its end against the next one', () => {
    const cancelled: unknown[] = [];
    const token = scheduler.begin();
    scheduler.wakeAt(60_000, { at: 0, order: 0, wake: () => undefined, cancel: (reason) => cancelled.push(reason) }, token);

    scheduler.cancelAll();
    scheduler.begin();
    scheduler.end(token);

    expect(cancelled).toEqual([expect.any(Cancelled)]);
    expect(scheduler.pending).toBe(1);
  });

  it('runs the cancel hooks', () => {
    const hook = jest.fn();
    scheduler.onCancel(hook);

    scheduler.cancelAll();

    expect(hook).toHaveBeenCalledTimes(1);
  });
});
