/**
 * Calls `fn(0)` … `fn(count - 1)`, each once and in order of start, with at most `limit` calls in
 * flight: how the bench tools drive a provider at a fixed concurrency. A call that fails rejects
 * the whole (the calls already started run on); a tool that counts failures catches them in `fn`.
 * (libs/dispatch's mapWithConcurrency is the system's own: it keeps results and stops on a failure.)
 */
export async function inParallel(count: number, limit: number, fn: (n: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}
