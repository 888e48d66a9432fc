/** A source of uniform numbers in [0, 1) (`next`), with the draws the simulator's decisions need. */
export abstract class Prng {
  abstract next(): number;

  /** True with probability `probability`. Always draws, so that later draws do not shift. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.min(items.length - 1, Math.floor(this.next() * items.length))];
  }

  /**
   * One of several mutually exclusive outcomes, or undefined (probability 1 − Σ). Entries are
   * taken in the given order, so the same draw always maps to the same outcome.
   */
  choose<K>(outcomes: ReadonlyArray<readonly [K, number]>): K | undefined {
    const draw = this.next();
    let threshold = 0;
    for (const [outcome, probability] of outcomes) {
      threshold += probability;
      if (draw < threshold) return outcome;
    }
    return undefined;
  }
}

/**
 * mulberry32: tiny, fast and good enough for fault injection; never for anything secret. Its
 * state is a field, not a closure's: an SMS's callback record keeps its message's generator until
 * its last status (ADR 0044), so a generator is one small object (ADR 0056).
 */
export function mulberry32(seed: number): Prng {
  return new Mulberry32(seed);
}

/**
 * A generator that waits long between draws (an SMS's callback record) may keep its state, a
 * 32-bit integer stored in place, instead of the object, and go on from it later: the same
 * draws follow (`Mulberry32.from`).
 */
export class Mulberry32 extends Prng {
  private state: number;

  constructor(seed: number) {
    super();
    this.state = seed >>> 0;
  }

  /** The state as a signed 32-bit integer, which an object field holds without a heap number. */
  get saved(): number {
    return this.state | 0;
  }

  /** The generator whose state `saved` was. */
  static from(saved: number): Mulberry32 {
    return new Mulberry32(saved);
  }

  override next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** FNV-1a, to turn (seed, stream name, sequence number) into a 32-bit seed. */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
