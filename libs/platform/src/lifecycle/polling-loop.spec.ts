import { PollingLoop } from './polling-loop';

describe('PollingLoop', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('never runs two rounds at once, and stop waits for the round in progress', async () => {
    let rounds = 0;
    let release: () => void = () => undefined;
    const loop = new PollingLoop(100, () => {
      rounds++;
      return new Promise<void>((resolve) => (release = resolve));
    });
    loop.start();
    loop.start(); // a second start is no second timer
    jest.advanceTimersByTime(100);
    jest.advanceTimersByTime(300); // the first round is still running: ticks skip
    expect(rounds).toBe(1);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;
    jest.advanceTimersByTime(500);
    expect(rounds).toBe(1);
  });
});
