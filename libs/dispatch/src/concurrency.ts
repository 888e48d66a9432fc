/**
 * Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order.
 * If a call fails, no new call starts, and the failure is thrown only once every call already
 * started has finished: a caller that retries after the failure must never find work of its
 * first try still running (a retried job would claim and send deliveries still in flight).
 */
export async function mapWithConcurrency<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && failure === null) {
      const index = next++;
      try {
        results[index] = await fn(items[index]);
      } catch (error) {
        failure ??= { error };
      }
    }
  });
  await Promise.all(workers);
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}
