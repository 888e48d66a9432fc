import { DrainCoordinator } from './drain-coordinator';

describe('DrainCoordinator', () => {
  it('stops every participant at once, not one after another', async () => {
    const drain = new DrainCoordinator();
    const started: string[] = [];
    for (const name of ['alerts', 'jobs', 'notices']) {
      drain.onDrain(name, () => {
        started.push(name);
        return new Promise<void>((r) => setTimeout(r, 100));
      });
    }
    const outcome = await drain.drain(5_000);
    expect(started).toEqual(['alerts', 'jobs', 'notices']);
    expect(outcome.finished).toBe(true);
    // Three 100 ms stops in parallel: well under the 300 ms they would take in a row.
    expect(outcome.elapsedMs).toBeLessThan(250);
  });

  it('is draining from the first moment, and gives up on what outlasts the deadline, naming it', async () => {
    const drain = new DrainCoordinator();
    drain.onDrain('quick', async () => undefined);
    drain.onDrain('stuck provider call', () => new Promise<void>(() => undefined));
    drain.onDrain('failing', async () => Promise.reject(new Error('broker gone')));
    expect(drain.draining).toBe(false);
    const outcome = drain.drain(50);
    expect(drain.draining).toBe(true);
    expect(await outcome).toMatchObject({ finished: false, unfinished: ['stuck provider call'] });
    expect(drain.drain(10_000)).toBe(drain.drain(1));
  });
});
