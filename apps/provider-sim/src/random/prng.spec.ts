import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { hash32, mulberry32, Prng } from './prng';

describe('mulberry32', () => {
  const draws = (seed: number): number[] => {
    const prng = mulberry32(seed);
    return Array.from({ length: 5 }, () => prng.next());
  };

  it('draws what the closure it replaced drew (seeded runs repeat across the change): draws 1-3 and 1000', () => {
    const drawn = (seed: number): number[] => {
      const prng = mulberry32(seed);
      const all = Array.from({ length: 1000 }, () => prng.next());
      return [all[0], all[1], all[2], all[999]];
    };
    expect(drawn(42)).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6425111389253289]);
    expect(drawn(0xffffffff)).toEqual([0.8964226141106337, 0.189478256739676, 0.7156526781618595, 0.39633008907549083]);
  });

  it('is one small object, measured after a GC: at most 48 bytes of heap per generator', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept = Array.from({ length: 100_000 }, (_, i) => mulberry32(i));
    gc();
    const perGenerator = (process.memoryUsage().heapUsed - before) / kept.length - 8; // less the array's slot
    expect(kept[99_999].next()).toBeLessThan(1);
    expect(perGenerator).toBeLessThanOrEqual(48);
  });

  it('gives the same sequence for the same seed, another for another seed', () => {
    expect(draws(42)).toEqual(draws(42));
    expect(draws(42)).not.toEqual(draws(43));
  });

  it('stays in [0, 1) and spreads roughly evenly', () => {
    const prng = mulberry32(hash32('spread'));
    const many = Array.from({ length: 10_000 }, () => prng.next());

    expect(many.every((draw) => draw >= 0 && draw < 1)).toBe(true);
    expect(many.filter((draw) => draw < 0.3).length).toBeGreaterThan(2700);
    expect(many.filter((draw) => draw < 0.3).length).toBeLessThan(3300);
  });

  it('chooses among exclusive outcomes by cumulative probability, or none', () => {
    const fixed = (draw: number): Prng =>
      new (class extends Prng {
        next(): number {
          return draw;
        }
      })();
    const outcomes = [
      ['a', 0.2],
      ['b', 0.3],
    ] as const;

    expect(fixed(0.1).choose(outcomes)).toBe('a');
    expect(fixed(0.4).choose(outcomes)).toBe('b');
    expect(fixed(0.6).choose(outcomes)).toBeUndefined();
  });
});
