/**
 * Segment count as the carrier bills it. Deliberately independent of the domain's own SMS
 * encoding helper: the simulator is the oracle the system is tested against, so it must not
 * share the code under test.
 */
const GSM7_BASIC = new Set(Array.from('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'));
/** Sent as escape + character, so each takes two septets and is never split across parts. */
const GSM7_EXTENSION = new Set(Array.from('^{}\\[~]|€\f'));

export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
}

export function countSmsSegments(body: string): SmsSegments {
  const characters = Array.from(body);
  if (characters.every((ch) => GSM7_BASIC.has(ch) || GSM7_EXTENSION.has(ch))) {
    const septets = characters.map((ch) => (GSM7_EXTENSION.has(ch) ? 2 : 1));
    return { encoding: 'GSM-7', segments: pack(septets, 160, 153) };
  }
  // UTF-16 code units; a surrogate pair (emoji) is 2 and cannot be split either.
  const units = characters.map((ch) => ch.length);
  return { encoding: 'UCS-2', segments: pack(units, 70, 67) };
}

/** Parts needed when a multi-part message loses room to its concatenation header. */
function pack(sizes: number[], single: number, perPart: number): number {
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total <= single) return 1;
  let parts = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > perPart) {
      parts += 1;
      used = 0;
    }
    used += size;
  }
  return parts;
}
