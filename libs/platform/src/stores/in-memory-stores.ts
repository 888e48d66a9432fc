import { ClaimVerdict, Counters, FixedWindows, SeenMarks, Stores, TokenBuckets, StoredBucket } from './stores';

/** Buckets untouched this long are forgotten, as the Redis keys' PEXPIRE does. */
const BUCKET_IDLE_MS = 60_000;

/** The same arithmetic as the Redis script, on this process's clock. */
class MemoryTokenBuckets implements TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number; perSecond: number; burst: number; throttledUntil: number | null }>();
  constructor(private readonly now: () => number) {}

  async take(key: string, perSecond: number, burst: number, want: number): Promise<number> {
    const now = this.now();
    const state = this.buckets.get(key);
    const fresh = !state || now - state.at > BUCKET_IDLE_MS;
    let tokens = fresh ? burst : Math.min(burst, state.tokens + (Math.max(0, now - state.at) * perSecond) / 1000);
    let wait = 0;
    if (tokens >= want) tokens -= want;
    else wait = Math.ceil(((want - tokens) * 1000) / perSecond);
    this.buckets.set(key, { tokens, at: now, perSecond, burst, throttledUntil: wait > 0 ? now + wait : fresh ? null : (state?.throttledUntil ?? null) });
    return wait;
  }

  async list(prefix: string): Promise<{ now: number; buckets: StoredBucket[] }> {
    const now = this.now();
    const buckets = [...this.buckets]
      .filter(([key, state]) => key.startsWith(prefix) && now - state.at <= BUCKET_IDLE_MS)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, state]) => ({ key, ...state }));
    return { now, buckets };
  }
}

class MemorySeenMarks implements SeenMarks {
  private readonly marks = new Map<string, { until: number; done: boolean }>();
  private sweptAt = 0;
  constructor(private readonly now: () => number) {}

  async markFirst(keys: string[], ttlSeconds: number): Promise<boolean[]> {
    const now = this.sweep();
    return keys.map((key) => {
      if (this.live(key, now)) return false;
      this.marks.set(key, { until: now + ttlSeconds * 1000, done: true });
      return true;
    });
  }

  async forget(keys: string[]): Promise<void> {
    for (const key of keys) this.marks.delete(key);
  }

  async claim(keys: string[], pendingTtlSeconds: number): Promise<ClaimVerdict[]> {
    const now = this.sweep();
    return keys.map((key) => {
      const mark = this.live(key, now);
      if (mark) return mark.done ? 'done' : 'pending';
      this.marks.set(key, { until: now + pendingTtlSeconds * 1000, done: false });
      return 'claimed';
    });
  }

  async confirm(keys: string[], ttlSeconds: number): Promise<void> {
    const until = this.now() + ttlSeconds * 1000;
    for (const key of keys) this.marks.set(key, { until, done: true });
  }

  private live(key: string, now: number): { until: number; done: boolean } | undefined {
    const mark = this.marks.get(key);
    return mark && mark.until > now ? mark : undefined;
  }

  /**
   * Expired marks are dropped now and then, as Redis expires keys, so memory stays bounded; at
   * most once a second, since a day of callbacks keeps far more than 10 000 marks alive.
   */
  private sweep(): number {
    const now = this.now();
    if (this.marks.size > 10_000 && now - this.sweptAt >= 1_000) {
      this.sweptAt = now;
      for (const [k, mark] of this.marks) if (mark.until <= now) this.marks.delete(k);
    }
    return now;
  }
}

class MemoryCounters implements Counters {
  private readonly groups = new Map<string, Map<string, number>>();

  async add(key: string, deltas: Record<string, number>): Promise<void> {
    const entries = Object.entries(deltas).filter(([, n]) => n !== 0);
    if (entries.length === 0) return;
    const group = this.groups.get(key) ?? new Map<string, number>();
    for (const [field, n] of entries) group.set(field, (group.get(field) ?? 0) + Math.trunc(n));
    this.groups.set(key, group);
  }

  async addAll(groups: Record<string, Record<string, number>>): Promise<void> {
    for (const [key, deltas] of Object.entries(groups)) await this.add(key, deltas);
  }

  async read(key: string): Promise<Record<string, number>> {
    return Object.fromEntries(this.groups.get(key) ?? []);
  }

  async replace(groups: Record<string, Record<string, number>>): Promise<void> {
    for (const [key, fields] of Object.entries(groups)) {
      if (Object.keys(fields).length === 0) this.groups.delete(key);
      else this.groups.set(key, new Map(Object.entries(fields).map(([f, n]) => [f, Math.trunc(n)])));
    }
  }
}

class MemoryFixedWindows implements FixedWindows {
  private readonly windows = new Map<string, { count: number; until: number }>();
  constructor(private readonly now: () => number) {}

  async hit(keys: string[], windowSeconds: number): Promise<Array<{ count: number; ttlSeconds: number }>> {
    const now = this.now();
    if (this.windows.size > 10_000) for (const [k, w] of this.windows) if (w.until <= now) this.windows.delete(k);
    return keys.map((key) => {
      const current = this.windows.get(key);
      const window = current && current.until > now ? current : { count: 0, until: now + windowSeconds * 1000 };
      window.count++;
      this.windows.set(key, window);
      return { count: window.count, ttlSeconds: Math.ceil((window.until - now) / 1000) };
    });
  }

  async clear(key: string): Promise<void> {
    this.windows.delete(key);
  }
}

/** Standalone mode's stores: one process, so its memory is shared by every app in it. */
export function inMemoryStores(now: () => number = Date.now): Stores {
  return {
    kind: 'memory',
    buckets: new MemoryTokenBuckets(now),
    seen: new MemorySeenMarks(now),
    counters: new MemoryCounters(),
    windows: new MemoryFixedWindows(now),
    ping: async () => undefined,
    close: async () => undefined,
  };
}
