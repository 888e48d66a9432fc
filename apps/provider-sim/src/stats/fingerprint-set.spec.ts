import { FingerprintSet } from './fingerprint-set';

describe('FingerprintSet, the compact duplicate check', () => {
  it('says whether a string was added before', () => {
    const seen = new FingerprintSet();

    expect(seen.add('+32470123456\ninbraak')).toBe(false);
    expect(seen.add('+32470123457\ninbraak')).toBe(false);
    expect(seen.add('+32470123456\ninbraak')).toBe(true);
    expect(seen.size).toBe(2);
  });

  it('keeps every member as it grows past its first table', () => {
    const seen = new FingerprintSet(16);
    const keys = Array.from({ length: 50_000 }, (_, i) => `member${i}@bench.example.be`);

    expect(keys.filter((key) => seen.add(key))).toEqual([]);
    expect(keys.filter((key) => !seen.add(key))).toEqual([]);
    expect(seen.size).toBe(50_000);
    // At most half full: 8 to 16 bytes per member.
    expect(seen.capacity).toBeLessThanOrEqual(4 * 50_000);
  });

  it('forgets everything on clear', () => {
    const seen = new FingerprintSet(16);
    for (let i = 0; i < 100; i += 1) seen.add(`d-${i}`);

    seen.clear();

    expect(seen.size).toBe(0);
    expect(seen.add('d-1')).toBe(false);
  });
});
