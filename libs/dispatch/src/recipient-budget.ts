import type { Urgency } from '@bin-alert/domain';

/**
 * How many recipients an instance has in provider requests at once, whatever the number of jobs,
 * partitions or chunks in flight (ADR 0073). A chunk takes its recipients' share before its
 * tokens and gives it back once its requests are answered; a chunk larger than the whole budget
 * takes all of it. Waiters are served in order, urgent ones before normal ones, so an urgent chunk
 * waits at most for shares already taken, never behind normal chunks that came before it.
 */
export class RecipientBudget {
  private inUse = 0;
  private readonly waiting: Record<Urgency, Array<{ share: number; start: () => void }>> = { urgent: [], normal: [] };

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new Error(`a recipient budget needs a positive capacity, not ${capacity}`);
  }

  /** Runs `work` once `count` recipients (at most the capacity) fit in the budget, and frees them when it ends. */
  async holding<T>(count: number, urgency: Urgency, work: () => Promise<T>): Promise<T> {
    const share = Math.min(Math.max(count, 0), this.capacity);
    await this.take(share, urgency);
    try {
      return await work();
    } finally {
      this.inUse -= share;
      this.serve();
    }
  }

  /** Recipients taken now (for tests and metrics). */
  get taken(): number {
    return this.inUse;
  }

  private take(share: number, urgency: Urgency): Promise<void> {
    const nobodyAhead = this.waiting.urgent.length === 0 && (urgency === 'urgent' || this.waiting.normal.length === 0);
    if (nobodyAhead && this.inUse + share <= this.capacity) {
      this.inUse += share;
      return Promise.resolve();
    }
    return new Promise((start) => this.waiting[urgency].push({ share, start }));
  }

  private serve(): void {
    for (const queue of [this.waiting.urgent, this.waiting.normal]) {
      while (queue.length > 0 && this.inUse + queue[0].share <= this.capacity) {
        const next = queue.shift()!;
        this.inUse += next.share;
        next.start();
      }
      // In order: a normal waiter never passes an urgent one that does not fit yet.
      if (queue.length > 0) return;
    }
  }
}
