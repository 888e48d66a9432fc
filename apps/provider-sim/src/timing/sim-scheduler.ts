import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { setMaxListeners } from 'node:events';

/** Thrown into a background task when the simulator is cleared or shut down under it. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled by a simulator reset or shutdown');
  }
}

/**
 * Runs the simulator's background work (a message's status callbacks, a retry chain) and can
 * cancel all of it at once: every task, sleep and outgoing request shares one AbortSignal, which
 * a reset or shutdown aborts. That keeps callbacks of one test from reaching the next one's
 * receiver, and lets the process end without waiting for timers.
 */
@Injectable()
export class SimScheduler implements OnApplicationShutdown {
  private readonly logger = new Logger('SimScheduler');
  private controller = newController();
  private running = 0;

  /** Background tasks not yet finished: callbacks still to come. */
  get pending(): number {
    return this.running;
  }

  /** The signal that the next reset or shutdown aborts, for work awaited in a request handler. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Starts `task`; its failures are logged and never reach the caller or crash the process. */
  spawn(name: string, task: (signal: AbortSignal) => Promise<void>): void {
    const { signal } = this.controller;
    this.running += 1;
    task(signal)
      .catch((error: unknown) => {
        if (error instanceof Cancelled || signal.aborted) return;
        this.logger.error({ msg: 'background task failed', task: name, error: String(error) });
      })
      .finally(() => {
        this.running -= 1;
      });
  }

  /** Resolves after `ms`, or rejects with Cancelled as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(new Cancelled());
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new Cancelled());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  cancelAll(): void {
    this.controller.abort();
    this.controller = newController();
  }

  onApplicationShutdown(): void {
    this.cancelAll();
  }
}

function newController(): AbortController {
  const controller = new AbortController();
  // Thousands of messages may wait on the same signal; that is the design, not a leak.
  setMaxListeners(0, controller.signal);
  return controller;
}
