import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 (the version pinned in package.json) re-arms a timer on every broker connection
 * whenever it looks at its queue of requests waiting to be sent, even when nothing waits and no
 * throttle is in force: the delay is then negative, so every connection wakes its process about
 * once a millisecond for as long as it is open (kafkajs issues 1556 and 1704, the fix unreleased).
 * Measured here: two idle consumers of a 24-partition topic cost a process 48 CPU-ms per second,
 * and each dispatcher, busy or not, ~0.1 of a core (docs/benchmarks.md, 2026-12-06 evening).
 *
 * The replacement arms the timer only when a request waits or a throttle is to end; requests that
 * can go at once are sent by `push`, and those held for in-flight ones when a response comes in
 * (`fulfillRequest`), as before. Applied once, when the messaging library is loaded, to the one
 * kafkajs every client of the process uses.
 */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

interface RequestQueueInternals {
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  pending: unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

export function patchKafkajsIdleTimer(): void {
  const requireFromKafkajs = createRequire(require.resolve('kafkajs'));
  const { version } = requireFromKafkajs('./package.json') as { version: string };
  // Another version may have changed the queue: leave it as it is rather than patch blindly.
  if (version !== '2.2.4') return;
  const RequestQueue = requireFromKafkajs('./src/network/requestQueue') as { prototype: RequestQueueInternals & { binAlertPatched?: boolean } };
  if (RequestQueue.prototype.binAlertPatched) return;
  RequestQueue.prototype.scheduleCheckPendingRequests = function (this: RequestQueueInternals) {
    if (this.throttleCheckTimeoutId) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    if (this.pending.length === 0 && untilUnthrottled <= 0) return;
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS,
    );
  };
  RequestQueue.prototype.binAlertPatched = true;
}
