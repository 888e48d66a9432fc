import { countSmsSegments } from './sms-segments';

describe('countSmsSegments', () => {
  it.each([
    ['a'.repeat(160), 'GSM-7', 1],
    ['a'.repeat(161), 'GSM-7', 2],
    ['a'.repeat(306), 'GSM-7', 2],
    ['a'.repeat(307), 'GSM-7', 3],
    ['€'.repeat(80), 'GSM-7', 1], // extension characters take two septets
    ['€'.repeat(81), 'GSM-7', 2],
    ['Rue de l’Église: é è à ù É', 'UCS-2', 1], // the curly apostrophe forces UCS-2
    ['ê'.repeat(70), 'UCS-2', 1],
    ['ê'.repeat(71), 'UCS-2', 2],
    ['ê'.repeat(134), 'UCS-2', 2],
    ['ê'.repeat(135), 'UCS-2', 3],
  ])('%j → %s, %i part(s)', (body, encoding, segments) => {
    expect(countSmsSegments(body)).toEqual({ encoding, segments });
  });

  it('never splits an escape pair or a surrogate pair across parts', () => {
    expect(countSmsSegments(`${'a'.repeat(152)}€${'a'.repeat(10)}`).segments).toBe(2); // € moves to part 2
    expect(countSmsSegments(`${'a'.repeat(66)}😀${'a'.repeat(66)}`).segments).toBe(3);
  });

  it('keeps Belgian French accents é è à ù É in GSM-7', () => {
    expect(countSmsSegments('Cambriolage signalé à la rue É. Fermez où vous etes').encoding).toBe('GSM-7');
  });
});
