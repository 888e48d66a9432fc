import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { performance } from 'node:perf_hooks';

/** Thrown into a background task when the simulator is cleared or shut down under it. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled by a simulator reset or shutdown');
  }
}

/**
 * What a background task holds instead of an AbortSignal: the generation it was started in.
 * A reset or shutdown starts a new generation, and everything of the old one stops at its next
 * sleep or outgoing request.
 */
export interface TaskToken {
  readonly generation: number;
}

/**
 * What waits on the scheduler's timer: a sleeping promise, or a record that is its own sleeper
 * (a message's pending callbacks, ADR 0044), so that waiting costs no promise or closure.
 */
export interface Sleeper {
  /** Set by wakeAt. */
  at: number;
  /** Arrival order, so that sleepers due at the same millisecond wake in the order they slept; set by wakeAt. */
  order: number;
  wake(): void;
  cancel(reason: Cancelled): void;
}

/**
 * Sleepers by due time: a binary min-heap, so that thousands of messages waiting for their next
 * callback share one timer instead of holding one timer and one abort listener each.
 */
class SleeperHeap {
  private readonly items: Sleeper[] = [];

  get size(): number {
    return this.items.length;
  }

  /** When the first sleeper is due; Infinity when none sleeps. */
  nextAt(): number {
    return this.items.length === 0 ? Infinity : this.items[0].at;
  }

  push(sleeper: Sleeper): void {
    const items = this.items;
    items.push(sleeper);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(sleeper, items[parent])) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = sleeper;
  }

  pop(): Sleeper | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && before(items[right], items[left]) ? right : left;
      if (!before(items[child], last)) break;
      items[i] = items[child];
      i = child;
    }
    items[i] = last;
    return top;
  }

  drain(): Sleeper[] {
    return this.items.splice(0, this.items.length);
  }
}

function before(a: Sleeper, b: Sleeper): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}

/** Timers fire on libuv's clock, sleepers are due on performance.now(): a millisecond of slack between them. */
const SLACK_MS = 1;

/**
 * Runs the simulator's background work (a message's status callbacks, a retry chain, an event
 * batch) and can cancel all of it at once: a reset or shutdown starts a new generation, wakes
 * every sleeper of the old one with Cancelled and aborts its requests in flight (through the
 * hooks of those who send them). That keeps callbacks of one test from reaching the next one's
 * receiver, and lets the process end without waiting for timers.
 *
 * All sleeps share one timer armed for the earliest of them: a message's callbacks cost a heap
 * entry each, not a timer and an abort listener.
 */
@Injectable()
export class SimScheduler implements OnApplicationShutdown {
  private readonly logger = new Logger('SimScheduler');
  private token: TaskToken = { generation: 0 };
  private running = 0;
  private readonly sleepers = new SleeperHeap();
  private order = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly cancelHooks: Array<() => void> = [];

  /** Background tasks not yet finished: callbacks still to come. */
  get pending(): number {
    return this.running;
  }

  /** The token of the current generation, for work awaited in a request handler. */
  get current(): TaskToken {
    return this.token;
  }

  isCancelled(token: TaskToken): boolean {
    return token.generation !== this.token.generation;
  }

  /** Starts `task`; its failures are logged and never reach the caller or crash the process. */
  spawn(name: string, task: (token: TaskToken) => Promise<void>): void {
    const token = this.token;
    this.running += 1;
    task(token)
      .catch((error: unknown) => {
        if (error instanceof Cancelled || this.isCancelled(token)) return;
        this.logger.error({ msg: 'background task failed', task: name, error: String(error) });
      })
      .finally(() => {
        // A cancelled generation's tasks were already written off.
        if (!this.isCancelled(token)) this.running -= 1;
      });
  }

  /**
   * Starts a task made of records rather than of a promise (each its own Sleeper): counted as
   * pending, as a spawned task is, until `end`.
   */
  begin(): TaskToken {
    this.running += 1;
    return this.token;
  }

  end(token: TaskToken): void {
    // A cancelled generation's tasks were already written off.
    if (!this.isCancelled(token)) this.running -= 1;
  }

  /** Resolves after `ms`, or rejects with Cancelled as soon as `token`'s generation is cancelled. */
  sleep(ms: number, token: TaskToken): Promise<void> {
    if (this.isCancelled(token)) return Promise.reject(new Cancelled());
    return new Promise((wake, cancel) => this.wakeAt(ms, { at: 0, order: 0, wake, cancel }, token));
  }

  /** Calls `sleeper.wake` after `ms`, or its `cancel` once `token`'s generation is cancelled. */
  wakeAt(ms: number, sleeper: Sleeper, token: TaskToken): void {
    if (this.isCancelled(token)) {
      sleeper.cancel(new Cancelled());
      return;
    }
    this.order += 1;
    // A whole millisecond, never before the one asked for: a small integer in the sleeper's field,
    // where a fraction would cost each of a backlog's sleepers a heap number.
    sleeper.at = Math.ceil(performance.now() + ms);
    sleeper.order = this.order;
    this.sleepers.push(sleeper);
    this.arm();
  }

  /** `hook` runs on every cancel, e.g. to abort requests in flight. */
  onCancel(hook: () => void): void {
    this.cancelHooks.push(hook);
  }

  cancelAll(): void {
    this.token = { generation: this.token.generation + 1 };
    this.running = 0;
    this.disarm();
    const cancelled = this.sleepers.drain();
    for (const hook of this.cancelHooks) hook();
    const reason = new Cancelled();
    for (const sleeper of cancelled) sleeper.cancel(reason);
  }

  onApplicationShutdown(): void {
    this.cancelAll();
  }

  private arm(): void {
    const next = this.sleepers.nextAt();
    if (next >= this.timerAt) return;
    this.disarm();
    this.timerAt = next;
    this.timer = setTimeout(this.wakeDue, Math.max(0, Math.ceil(next - performance.now())));
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private readonly wakeDue = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = performance.now() + SLACK_MS;
    while (this.sleepers.nextAt() <= now) this.sleepers.pop()!.wake();
    this.arm();
  };
}
