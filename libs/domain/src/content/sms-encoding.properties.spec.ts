import fc from 'fast-check';
import { normaliseForSms, segmentSms } from './sms-encoding';

/** Properties of the SMS segment count: it agrees with itself however a message is written. */
const GSM_SAMPLE = '@£$¥èéùìòÇ\nØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà';
const text = fc.oneof(
  fc.string({ unit: fc.constantFrom(...Array.from(GSM_SAMPLE)), maxLength: 400 }),
  fc.string({ unit: fc.constantFrom(...Array.from(GSM_SAMPLE), '€', '[', ']', '{', '}', '^', '~', '|', '\\'), maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

describe('segmentSms', () => {
  it('counts segments from units the way each encoding splits', () => {
    fc.assert(
      fc.property(text, (message) => {
        const { encoding, units, segments, nonGsmCharacters } = segmentSms(message);
        const [single, part] = encoding === 'GSM-7' ? [160, 153] : [70, 67];
        expect(segments).toBe(units <= single ? 1 : Math.ceil(units / part));
        expect(encoding === 'GSM-7').toBe(nonGsmCharacters.length === 0);
        if (encoding === 'UCS-2') expect(units).toBe(message.length);
        else {
          const characters = Array.from(message).length;
          expect(units).toBeGreaterThanOrEqual(characters);
          expect(units).toBeLessThanOrEqual(2 * characters);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('never costs fewer segments for a longer message in the same encoding', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const alone = segmentSms(a);
        const joined = segmentSms(a + b);
        if (alone.encoding === joined.encoding) expect(joined.segments).toBeGreaterThanOrEqual(alone.segments);
        if (alone.encoding === 'UCS-2') expect(joined.encoding).toBe('UCS-2');
      }),
    );
  });

  it('names each character that forced UCS-2, and only those', () => {
    fc.assert(
      fc.property(text, (message) => {
        const { nonGsmCharacters } = segmentSms(message);
        for (const character of nonGsmCharacters) {
          expect(message).toContain(character);
          expect(segmentSms(character).encoding).toBe('UCS-2');
        }
        expect(
          segmentSms(
            Array.from(message)
              .filter((c) => !nonGsmCharacters.includes(c))
              .join(''),
          ).encoding,
        ).toBe('GSM-7');
      }),
    );
  });
});

describe('normaliseForSms', () => {
  it('is idempotent and never makes a message cost more segments', () => {
    fc.assert(
      fc.property(text, (message) => {
        const normalised = normaliseForSms(message);
        expect(normaliseForSms(normalised)).toBe(normalised);
        const before = segmentSms(message);
        const after = segmentSms(normalised);
        if (before.encoding === 'GSM-7') expect(after.encoding).toBe('GSM-7');
      }),
    );
  });
});
