/**
 * What text the system accepts from anyone, in any field, and how free text is tidied.
 *
 * Refused everywhere: control characters other than tab, line feed and carriage return (C0, DEL,
 * C1), the noncharacters U+FFFE and U+FFFF, and lone UTF-16 surrogates. None is something a person
 * means to write: PostgreSQL refuses NUL in text and \u0000 or a lone \uD800 in jsonb, an SMS
 * cannot carry them, and they hide text from whoever reads a message or a log.
 *
 * Tidied in free text (titles, bodies, names, reasons), as a person would expect from a form:
 * Unicode NFC (an é typed as e + U+0301 is the é of GSM-7, one character, not two UCS-2 ones),
 * Windows and old Mac line ends as \n, and in a one-line field every tab or line end as a space.
 */

export interface ForbiddenCharacter {
  /** UTF-16 index in the text. */
  index: number;
  codePoint: number;
  reason: string;
}

/** U+0000 with at least four hex digits, as Unicode writes it. */
export function codePointName(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first character no field accepts, or null. Linear, never throws. */
export function findForbiddenCharacter(text: string): ForbiddenCharacter | null {
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        index++;
        continue;
      }
      return { index, codePoint: unit, reason: `contains ${codePointName(unit)}, half of a UTF-16 surrogate pair without its other half (not a character)` };
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      return { index, codePoint: unit, reason: `contains ${codePointName(unit)}, half of a UTF-16 surrogate pair without its other half (not a character)` };
    }
    if (isControl(unit)) return { index, codePoint: unit, reason: `contains the control character ${codePointName(unit)}` };
    if (unit === 0xfffe || unit === 0xffff) return { index, codePoint: unit, reason: `contains ${codePointName(unit)}, which is not a character` };
  }
  return null;
}

function isControl(unit: number): boolean {
  if (unit === 0x09 || unit === 0x0a || unit === 0x0d) return false;
  return unit < 0x20 || (unit >= 0x7f && unit <= 0x9f);
}

export interface FreeTextRule {
  /** A body may hold line breaks; a title or a name is one line. */
  multiline?: boolean;
}

/** NFC, \n line ends (spaces in a one-line field), trimmed. Only for text findForbiddenCharacter accepts. */
export function tidyFreeText(text: string, rule: FreeTextRule = {}): string {
  const tidied = text.normalize('NFC').replace(/\r\n?/g, '\n');
  return (rule.multiline ? tidied : tidied.replace(/[\t\n]/g, ' ')).trim();
}

export type FreeTextCheck = { ok: true; text: string } | { ok: false; reason: string };

/** The free-text rule in one call: refused with the reason, or tidied. */
export function checkFreeText(text: string, rule: FreeTextRule = {}): FreeTextCheck {
  const forbidden = findForbiddenCharacter(text);
  return forbidden ? { ok: false, reason: forbidden.reason } : { ok: true, text: tidyFreeText(text, rule) };
}
