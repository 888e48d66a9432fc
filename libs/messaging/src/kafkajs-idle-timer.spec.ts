import { createRequire } from 'node:module';
import { patchKafkajsIdleTimer } from './kafkajs-idle-timer';

/** kafkajs's queue of requests per broker connection, as every client of the process gets it. */
function requestQueue() {
  const RequestQueue = createRequire(require.resolve('kafkajs'))('./src/network/requestQueue');
  const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  return new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 1000, enforceRequestTimeout: true, clientId: 'test', broker: 'test:9092', logger });
}

describe('patchKafkajsIdleTimer', () => {
  beforeAll(() => patchKafkajsIdleTimer());

  it('arms no timer on a connection with nothing waiting and no throttle (kafkajs woke every ~1 ms)', () => {
    const queue = requestQueue();
    queue.checkPendingRequests();
    const armed = queue.throttleCheckTimeoutId;
    clearTimeout(armed);
    expect(armed).toBeNull();
  });

  it('still checks again later while a request waits or a throttle is to end', () => {
    const waiting = requestQueue();
    waiting.pending.push({});
    waiting.maxInFlightRequests = 0;
    waiting.inflight.set(1, {});
    waiting.scheduleCheckPendingRequests();
    expect(waiting.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(waiting.throttleCheckTimeoutId);

    const throttled = requestQueue();
    throttled.throttledUntil = Date.now() + 500;
    throttled.scheduleCheckPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(throttled.throttleCheckTimeoutId);
  });
});
