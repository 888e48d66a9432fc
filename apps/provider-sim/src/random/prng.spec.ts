import { hash32, mulberry32, Prng } from './prng';

describe('mulberry32', () => {
  const draws = (seed: number): number[] => {
    const prng = mulberry32(seed);
    return Array.from({ length: 5 }, () => prng.next());
  };

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
    const fixed = (draw: number): Prng => new Prng(() => draw);
    const outcomes = [
      ['a', 0.2],
      ['b', 0.3],
    ] as const;

    expect(fixed(0.1).choose(outcomes)).toBe('a');
    expect(fixed(0.4).choose(outcomes)).toBe('b');
    expect(fixed(0.6).choose(outcomes)).toBeUndefined();
  });
});
