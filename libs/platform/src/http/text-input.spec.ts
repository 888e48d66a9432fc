import fc from 'fast-check';
import { MAX_BODY_DEPTH, findUnsafeInput, freeText } from './text-input';

describe('findUnsafeInput', () => {
  it('names the field of the first forbidden character, keys included', () => {
    expect(findUnsafeInput({ texts: { nl: { title: 'ok', body: 'a\u0000b' } } })).toEqual({
      field: 'texts.nl.body',
      code: 'unsafe_text',
      reason: 'contains the control character U+0000',
    });
    expect(findUnsafeInput({ bins: ['herdersem', 'x\ud800'] })?.field).toBe('bins[1]');
    expect(findUnsafeInput({ 'a\u0007': 1 })).toEqual({ field: 'body', code: 'unsafe_text', reason: 'a key contains the control character U+0007' });
    expect(findUnsafeInput({ state: '\u0000' }, 'query')?.field).toBe('state');
    expect(findUnsafeInput({ name: 'Café 😀\n\t' })).toBeNull();
  });

  it(`refuses nesting past ${MAX_BODY_DEPTH} levels without recursing, however deep`, () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 500_000; i++) deep = [deep];
    expect(findUnsafeInput(deep)?.reason).toBe(`nested deeper than ${MAX_BODY_DEPTH} levels`);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 * MAX_BODY_DEPTH }), (depth) => {
        let value: unknown = 'x';
        for (let i = 0; i < depth; i++) value = { a: value };
        expect(findUnsafeInput(value) === null).toBe(depth <= MAX_BODY_DEPTH);
      }),
    );
  });

  it('answers any JSON value without throwing', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => void findUnsafeInput(value)),
      { numRuns: 1_000 },
    );
  });
});

describe('freeText', () => {
  const title = freeText({ max: 10 });
  it('tidies, then counts', () => {
    expect(title.parse('  Cafe\u0301\r\nx ')).toBe('Café x');
    expect(title.safeParse('   ').error?.issues[0].message).toBe('required');
    expect(title.safeParse('x'.repeat(11)).error?.issues[0].message).toBe('at most 10 characters');
    expect(title.safeParse('a\u0000').error?.issues.map((i) => i.message)).toEqual(['contains the control character U+0000']);
    expect(title.safeParse(42).success).toBe(false);
  });
});
