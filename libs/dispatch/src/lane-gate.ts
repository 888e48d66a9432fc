import { onUrgentConnections } from '@bin-alert/persistence';

/**
 * Urgent before normal, inside one dispatcher instance: while any urgent job is being sent,
 * normal jobs wait at their next chunk boundary. A missing-person alert therefore never queues
 * behind a prevention campaign for longer than one chunk of provider calls. Urgent work's
 * statements take the connections kept apart for it (ADR 0053), so that its look-ups and claims
 * do not queue in the shared pool behind the normal lane's.
 */
export class LaneGate {
  private urgentInFlight = 0;
  private waiters: Array<() => void> = [];

  async whileUrgent<T>(work: () => Promise<T>): Promise<T> {
    this.urgentInFlight++;
    try {
      return await onUrgentConnections(work);
    } finally {
      this.urgentInFlight--;
      if (this.urgentInFlight === 0) {
        const waiting = this.waiters;
        this.waiters = [];
        for (const wake of waiting) wake();
      }
    }
  }

  get urgentActive(): boolean {
    return this.urgentInFlight > 0;
  }

  /** Resolves at once when no urgent work runs, else when the last urgent job finishes. */
  clearForNormal(): Promise<void> {
    if (this.urgentInFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
