import { Mulberry32, Prng } from '../random/prng';
import type { TaskToken } from '../timing/sim-scheduler';

/**
 * The shared parts of records that wait long (an SMS's callbacks, ADR 0061; a call in progress,
 * ADR 0068), one per key and generation: a new generation starts afresh, and past `max` keys all
 * are forgotten and made again (keys are few: URL shapes, fates, accounts).
 */
export class PendingShapes<T> {
  private readonly shapes = new Map<string, T>();
  private token: TaskToken | undefined;

  constructor(private readonly max: number) {}

  of(token: TaskToken, key: string, make: () => T): T {
    if (token !== this.token) {
      this.shapes.clear();
      this.token = token;
    }
    let shape = this.shapes.get(key);
    if (shape === undefined) {
      shape = make();
      if (this.shapes.size >= this.max) this.shapes.clear();
      this.shapes.set(key, shape);
    }
    return shape;
  }
}

/** A waiting record's generator as it keeps it: its 32-bit state (Mulberry32.saved), or itself when of another kind. */
export type KeptDraws = number | Prng;

export function keptDraws(prng: Prng): KeptDraws {
  return prng instanceof Mulberry32 ? prng.saved : prng;
}

/** An integer in [min, max] from `holder`'s generator, whose kept state moves on: the same draws as the generator itself. */
export function drawBetween(holder: { draws: KeptDraws }, min: number, max: number): number {
  const { draws } = holder;
  if (typeof draws !== 'number') return draws.between(min, max);
  const prng = Mulberry32.from(draws);
  const value = prng.between(min, max);
  holder.draws = prng.saved;
  return value;
}
