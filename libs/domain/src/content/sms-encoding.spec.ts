import { normaliseForSms, segmentSms } from './sms-encoding';

describe('segmentSms', () => {
  it('fits 160 GSM-7 characters in one segment and splits at 153 beyond', () => {
    expect(segmentSms('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(segmentSms('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(segmentSms('a'.repeat(306))).toMatchObject({ segments: 2 });
    expect(segmentSms('a'.repeat(307))).toMatchObject({ segments: 3 });
  });

  it('counts extension characters (€, [, ]) as two septets', () => {
    expect(segmentSms('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(segmentSms('€'.repeat(81))).toMatchObject({ segments: 2 });
  });

  it('keeps Belgian French é è à ù É in GSM-7', () => {
    expect(segmentSms('Élève à la école, où?')).toMatchObject({ encoding: 'GSM-7', nonGsmCharacters: [] });
  });

  it('switches to UCS-2 for ê â ô û ë ï and names the culprits', () => {
    const result = segmentSms('Fenêtre ouverte à Mijlbeek, naïef');
    expect(result.encoding).toBe('UCS-2');
    expect(result.nonGsmCharacters.sort()).toEqual(['ê', 'ï']);
  });

  it('uses 70 / 67 units for UCS-2', () => {
    expect(segmentSms('ê'.repeat(70))).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(segmentSms('ê'.repeat(71))).toMatchObject({ segments: 2 });
    expect(segmentSms('ê'.repeat(135))).toMatchObject({ segments: 3 });
  });
});

describe('normaliseForSms', () => {
  it('turns smart quotes, dashes, ellipsis and no-break spaces into GSM-7', () => {
    const pasted = '\u201CVermist\u201D \u2013 kind\u2019s fiets\u2026\u00A0bel 101';
    const clean = normaliseForSms(pasted);
    expect(clean).toBe('"Vermist" - kind\'s fiets... bel 101');
    expect(segmentSms(clean).encoding).toBe('GSM-7');
  });

  it('leaves characters with meaning (ê) alone', () => {
    expect(normaliseForSms('fenêtre')).toBe('fenêtre');
  });
});
