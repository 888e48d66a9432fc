export interface MicroBatcherOptions {
  /** A batch is sent once it holds this many items (a single larger submission goes whole). */
  maxItems: number;
  /** How long an item waits at most for others to join its batch (unless a batch is full sooner). */
  maxWaitMs: number;
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
 * One batch is processed at a time. Submissions that arrive meanwhile wait and form the next
 * batch, which leaves in the order they came in, once it is full or its oldest item has waited
 * `maxWaitMs` (at once if the current batch took longer than that). Every batch costs round
 * trips whatever its size, and on this kind of machine a round trip costs more than the rest of
 * an item: a short wait that doubles the batches' size halves that cost.
 */
export class MicroBatcher<I, O> {
  private queue: Array<Submission<I, O>> = [];
  private queued = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly options: MicroBatcherOptions,
    private readonly process: (items: I[]) => Promise<O[]>,
  ) {}

  submit(items: I[]): Promise<O[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<O[]>((resolve, reject) => {
      this.queue.push({ items, at: performance.now(), resolve, reject });
      this.queued += items.length;
      if (this.busy) return;
      if (this.queued >= this.options.maxItems) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.busy || this.queue.length === 0) return;
    const batch: Array<Submission<I, O>> = [];
    let size = 0;
    while (this.queue.length > 0 && (batch.length === 0 || size + this.queue[0].items.length <= this.options.maxItems)) {
      const next = this.queue.shift()!;
      batch.push(next);
      size += next.items.length;
    }
    this.queued -= size;
    this.busy = true;
    void this.run(batch).finally(() => {
      this.busy = false;
      if (this.queue.length === 0) return;
      const waitedMs = performance.now() - this.queue[0].at;
      if (this.queued >= this.options.maxItems || waitedMs >= this.options.maxWaitMs) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs - waitedMs);
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
