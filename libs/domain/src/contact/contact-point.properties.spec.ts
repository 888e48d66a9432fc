import fc from 'fast-check';
import { checkPhoneNumber } from './contact-point';

/** The phone number check is total: any string gets an answer, and an accepted number is its own E.164 form. */
const phoneLike = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^(\+32|0032|0)?4[5-9]\d{7}$/),
  fc.stringMatching(/^\+?[0-9 ()./-]{0,20}$/),
  fc.tuple(fc.constantFrom('+32 ', '0', '+31 6', '+1 '), fc.stringMatching(/^[0-9 ]{6,12}$/)).map(([prefix, rest]) => prefix + rest),
);

describe('checkPhoneNumber', () => {
  it('answers every string without throwing', () => {
    fc.assert(
      fc.property(phoneLike, fc.constantFrom('mobile' as const, 'phone' as const), (input, use) => {
        const check = checkPhoneNumber(input, use);
        if (check.ok) expect(check.e164).toMatch(/^\+[1-9]\d{6,14}$/);
        else expect(['not_a_phone_number', 'not_a_mobile_number']).toContain(check.reason);
      }),
      { numRuns: 2_000 },
    );
  });

  it('accepts its own E.164 answer again, unchanged, for the same use', () => {
    fc.assert(
      fc.property(phoneLike, fc.constantFrom('mobile' as const, 'phone' as const), (input, use) => {
        const check = checkPhoneNumber(input, use);
        if (!check.ok) return;
        expect(checkPhoneNumber(check.e164, use)).toMatchObject({ ok: true, e164: check.e164 });
      }),
      { numRuns: 1_000 },
    );
  });

  it('never accepts as a mobile what it refuses as a phone', () => {
    fc.assert(fc.property(phoneLike, (input) => expect(checkPhoneNumber(input, 'mobile').ok && !checkPhoneNumber(input, 'phone').ok).toBe(false)));
  });
});
