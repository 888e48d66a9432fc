import { boundedMemo } from './bounded-memo';

describe('boundedMemo', () => {
  it('works a key out once, undefined answers included, and forgets everything once it holds `kept`', () => {
    const asked: string[] = [];
    const memo = boundedMemo((key: string) => {
      asked.push(key);
      return key === 'none' ? undefined : key.toUpperCase();
    }, 2);
    expect([memo('a'), memo('a'), memo('none'), memo('none')]).toEqual(['A', 'A', undefined, undefined]);
    expect(asked).toEqual(['a', 'none']);
    // Full: the third key clears the two before it.
    expect(memo('b')).toBe('B');
    expect(memo('b')).toBe('B');
    expect(memo('a')).toBe('A');
    expect(asked).toEqual(['a', 'none', 'b', 'a']);
  });
});
