import { onUrgentConnections } from '@bin-alert/persistence';

/** Work in flight, and who waits for none to be. */
class Holds {
  private count = 0;
  private waiters: Array<() => void> = [];

  async during<T>(work: () => Promise<T>): Promise<T> {
    this.count++;
    try {
      return await work();
    } finally {
      this.count--;
      if (this.count === 0) {
        const waiting = this.waiters;
        this.waiters = [];
        for (const wake of waiting) wake();
      }
    }
  }

  get active(): boolean {
    return this.count > 0;
  }

  clear(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * Urgent before normal, inside one dispatcher instance: while any urgent job is being sent,
 * normal jobs wait at their next chunk boundary. A missing-person alert therefore never queues
 * behind a prevention campaign for longer than one chunk of provider calls. Urgent work's
 * statements take the connections kept apart for it (ADR 0053), so that its look-ups and claims
 * do not queue in the shared pool behind the normal lane's. While an urgent alert is being
 * planned, the normal lane's planning waits at its next statement too (ADR 0063).
 */
export class LaneGate {
  private readonly urgent = new Holds();
  private readonly urgentPlanning = new Holds();

  whileUrgent<T>(work: () => Promise<T>): Promise<T> {
    return this.urgent.during(() => onUrgentConnections(work));
  }

  /** An urgent alert's planning: urgent work, during which normal planning waits as well. */
  whilePlanningUrgent<T>(work: () => Promise<T>): Promise<T> {
    return this.urgentPlanning.during(() => this.whileUrgent(work));
  }

  get urgentActive(): boolean {
    return this.urgent.active;
  }

  /** Resolves at once when no urgent work runs, else when the last urgent job finishes. */
  clearForNormal(): Promise<void> {
    return this.urgent.clear();
  }

  /** Resolves at once when no urgent alert is being planned, else when the last such planning ends. */
  clearForNormalPlanning(): Promise<void> {
    return this.urgentPlanning.clear();
  }
}
