export interface MicroBatcherOptions {
  /** A batch is sent once it holds this many items (a single larger submission goes whole). */
  maxItems: number;
  /** How long an item waits at most for others to join its batch (unless a batch is full sooner). */
  maxWaitMs: number;
  /**
   * How many batches are processed at once. One keeps batches largest; more let a batch's round
   * trips overlap with the next one's, which pays when the batches' time is mostly waiting.
   */
  maxInFlight: number;
}

interface Submission<I, O> {
  items: I[];
  /** performance.now() when it came in. */
  at: number;
  resolve(results: O[]): void;
  reject(error: unknown): void;
}

/**
 * Gathers the items of concurrent callers into batches and hands each batch to one call of
 * `process`, which answers one result per item, in order. Each caller gets its own items'
 * results, or the batch's error: a batch succeeds or fails as a whole.
 *
 * At most `maxInFlight` batches are processed at a time. Submissions that arrive meanwhile wait
 * and form the next batch, which leaves in the order they came in, once a batch may start and it
 * is full or its oldest item has waited `maxWaitMs` (at once if the batches in flight took longer
 * than that). Every batch costs round trips whatever its size, and on this kind of machine a
 * round trip costs more than the rest of an item: a short wait that doubles the batches' size
 * halves that cost.
 */
export class MicroBatcher<I, O> {
  private queue: Array<Submission<I, O>> = [];
  private queued = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;

  constructor(
    private readonly options: MicroBatcherOptions,
    private readonly process: (items: I[]) => Promise<O[]>,
  ) {}

  submit(items: I[]): Promise<O[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<O[]>((resolve, reject) => {
      this.queue.push({ items, at: performance.now(), resolve, reject });
      this.queued += items.length;
      this.pump();
    });
  }

  /** Starts every batch that may start now, and sets the timer for the next one that may not yet. */
  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const waitedMs = performance.now() - this.queue[0].at;
      if (this.queued < this.options.maxItems && waitedMs < this.options.maxWaitMs) {
        this.timer ??= setTimeout(() => {
          this.timer = null;
          this.pump();
        }, this.options.maxWaitMs - waitedMs);
        return;
      }
      this.start();
    }
  }

  private start(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch: Array<Submission<I, O>> = [];
    let size = 0;
    while (this.queue.length > 0 && (batch.length === 0 || size + this.queue[0].items.length <= this.options.maxItems)) {
      const next = this.queue.shift()!;
      batch.push(next);
      size += next.items.length;
    }
    this.queued -= size;
    this.inFlight += 1;
    void this.run(batch).finally(() => {
      this.inFlight -= 1;
      this.pump();
    });
  }

  private async run(batch: Array<Submission<I, O>>): Promise<void> {
    try {
      const results = await this.process(batch.flatMap((s) => s.items));
      let at = 0;
      for (const submission of batch) {
        submission.resolve(results.slice(at, at + submission.items.length));
        at += submission.items.length;
      }
    } catch (error) {
      for (const submission of batch) submission.reject(error);
    }
  }
}
