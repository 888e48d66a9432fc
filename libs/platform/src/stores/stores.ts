/**
 * The narrow ports through which the system keeps its shared, short-lived state: rate-limit
 * buckets, "seen" marks and counters. Redis holds them in distributed mode (shared by every
 * instance); the process's memory in standalone mode, where there is one instance (ADR 0009).
 * Both implementations pass the same tests (stores.contract.ts).
 */

/** A token bucket per key, refilled at `perSecond` up to `burst`. */
export interface TokenBuckets {
  /** Takes `want` tokens if there are that many and answers 0; else takes none and answers how many ms to wait. */
  take(key: string, perSecond: number, burst: number, want: number): Promise<number>;
  /** The buckets whose key starts with `prefix`, as last written, and the store's clock (ms). */
  list(prefix: string): Promise<{ now: number; buckets: StoredBucket[] }>;
}

export interface StoredBucket {
  key: string;
  /** Tokens left at `at` (before the refill since). */
  tokens: number;
  /** When tokens were last taken (ms, the store's clock). */
  at: number;
  perSecond: number;
  burst: number;
  /** Until when the last caller that found the bucket empty was told to wait. */
  throttledUntil: number | null;
}

/**
 * What `claim` found for a key: `claimed` by this call; `pending`, claimed by someone whose work is
 * not known to be done yet (it may still fail); `done`, the work it stands for is durable.
 */
export type ClaimVerdict = 'claimed' | 'pending' | 'done';

/** Marks that expire: "has this been seen in the last N seconds?" across instances. */
export interface SeenMarks {
  /** Marks each key that is not marked yet; true where this call marked it (seen for the first time). */
  markFirst(keys: string[], ttlSeconds: number): Promise<boolean[]>;
  /** Takes marks back (the work they stood for did not happen). */
  forget(keys: string[]): Promise<void>;
  /**
   * Claims every key not marked yet with a pending mark that lives `pendingTtlSeconds`, in one
   * round trip. A pending mark is not a promise that the work is done: whoever finds one must not
   * treat the work as done, so a claimer that dies before `confirm` or `forget` delays a retry
   * by the pending TTL at most and never loses it. A `markFirst` mark counts as done.
   */
  claim(keys: string[], pendingTtlSeconds: number): Promise<ClaimVerdict[]>;
  /** Turns claims into done marks that live `ttlSeconds`, in one round trip: their work is durable. */
  confirm(keys: string[], ttlSeconds: number): Promise<void>;
}

/** Named groups of integer counters (field → value), changed atomically per group. */
export interface Counters {
  add(key: string, deltas: Record<string, number>): Promise<void>;
  /** `add` on several groups in one round trip; each group still changes atomically. */
  addAll(groups: Record<string, Record<string, number>>): Promise<void>;
  read(key: string): Promise<Record<string, number>>;
  /** Replaces whole groups at once; an empty group is deleted. */
  replace(groups: Record<string, Record<string, number>>): Promise<void>;
}

/** Counts per key in fixed windows that start with a key's first hit (sign-in attempts). */
export interface FixedWindows {
  /** Counts one hit on each key; per key, the count in its window so far and the seconds left in it. */
  hit(keys: string[], windowSeconds: number): Promise<Array<{ count: number; ttlSeconds: number }>>;
  clear(key: string): Promise<void>;
}

export interface Stores {
  /** Where the state lives, for readiness: `redis` or `memory`. */
  readonly kind: 'redis' | 'memory';
  readonly buckets: TokenBuckets;
  readonly seen: SeenMarks;
  readonly counters: Counters;
  readonly windows: FixedWindows;
  ping(): Promise<void>;
  close(): Promise<void>;
}
