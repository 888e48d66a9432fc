import fc from 'fast-check';
import { checkFreeText, findForbiddenCharacter, tidyFreeText } from './text-rules';

/** The rule written once more, the slow way, to check the fast one against. */
function forbiddenByDefinition(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const high = unit >= 0xd800 && unit <= 0xdbff;
    const low = unit >= 0xdc00 && unit <= 0xdfff;
    if (high && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff) {
      i++;
      continue;
    }
    if (high || low) return true;
    if ((unit < 0x20 && unit !== 0x09 && unit !== 0x0a && unit !== 0x0d) || (unit >= 0x7f && unit <= 0x9f) || unit === 0xfffe || unit === 0xffff) return true;
  }
  return false;
}

const anyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('a', ' ', '\t', '\n', '\r', '\u0000', '\u0085', '\ud800', '\udc00', '\ud83d\ude00', 'e', '\u0301', '\ufffe', 'é') }),
);

describe('findForbiddenCharacter', () => {
  it('finds a character exactly when the definition says there is one, and never throws', () => {
    fc.assert(
      fc.property(anyText, (text) => expect(findForbiddenCharacter(text) !== null).toBe(forbiddenByDefinition(text))),
      { numRuns: 2_000 },
    );
  });

  it('names the character by its code point', () => {
    expect(findForbiddenCharacter('ab\u0000')).toEqual({ index: 2, codePoint: 0, reason: 'contains the control character U+0000' });
    expect(findForbiddenCharacter('x\ud800')?.reason).toContain('U+D800');
    expect(findForbiddenCharacter('😀 é \t\n\r')).toBeNull();
  });
});

describe('tidyFreeText and checkFreeText', () => {
  const allowed = anyText.filter((text) => findForbiddenCharacter(text) === null);

  it('tidy is idempotent, in one line and in many', () => {
    fc.assert(
      fc.property(allowed, fc.boolean(), (text, multiline) => {
        const once = tidyFreeText(text, { multiline });
        expect(tidyFreeText(once, { multiline })).toBe(once);
      }),
    );
  });

  it('leaves no carriage return, a one-line field no line break or tab, and no character the rule forbids', () => {
    fc.assert(
      fc.property(allowed, fc.boolean(), (text, multiline) => {
        const tidied = tidyFreeText(text, { multiline });
        expect(tidied).not.toContain('\r');
        if (!multiline) expect(tidied).not.toMatch(/[\n\t]/);
        expect(findForbiddenCharacter(tidied)).toBeNull();
        expect(tidied).toBe(tidied.normalize('NFC'));
      }),
    );
  });

  it('refuses exactly what findForbiddenCharacter finds', () => {
    fc.assert(fc.property(anyText, (text) => expect(checkFreeText(text).ok).toBe(findForbiddenCharacter(text) === null)));
  });

  it('composes what a keyboard decomposed, and ends lines as \\n', () => {
    expect(checkFreeText('Cafe\u0301\r\nOpen\rdicht', { multiline: true })).toEqual({ ok: true, text: 'Café\nOpen\ndicht' });
    expect(checkFreeText(' Vermiste\tjongen\r\n ')).toEqual({ ok: true, text: 'Vermiste jongen' });
  });
});
