/**
 * GSM 03.38 basic set and extension table. A message made only of these characters is sent
 * as GSM-7 (160 septets single, 153 per part when split); one character outside them forces
 * UCS-2 (70 / 67) for the whole message, which more than doubles the cost of an alert.
 */
const GSM7_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';

const BASIC = new Set(Array.from(GSM7_BASIC));
const EXTENSION = new Set(Array.from(GSM7_EXTENSION));

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegmentation {
  encoding: SmsEncoding;
  /** Septets for GSM-7 (extension characters count twice), UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
  /** Characters that forced UCS-2, so an operator can be told what to change. */
  nonGsmCharacters: string[];
}

/**
 * Typographic characters pasted from word processors, replaced by their GSM-7 equivalent where
 * the meaning is kept, so that one curly quote does not double the number of segments.
 */
const TYPOGRAPHIC_REPLACEMENTS: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u2032': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u201F': '"',
  '\u2033': '"',
  '\u00AB': '"',
  '\u00BB': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2012': '-',
  '\u2212': '-',
  '\u2010': '-',
  '\u2011': '-',
  '\u2026': '...',
  '\u00A0': ' ',
  '\u2007': ' ',
  '\u202F': ' ',
  '\u2009': ' ',
  '\u200B': '',
  '\u2022': '-',
  '\u00B7': '-',
};

export function normaliseForSms(text: string): string {
  let out = '';
  for (const ch of text) out += TYPOGRAPHIC_REPLACEMENTS[ch] ?? ch;
  return out;
}

export function segmentSms(text: string): SmsSegmentation {
  const nonGsm = new Set<string>();
  let septets = 0;
  for (const ch of text) {
    if (BASIC.has(ch)) septets += 1;
    else if (EXTENSION.has(ch)) septets += 2;
    else nonGsm.add(ch);
  }
  if (nonGsm.size === 0) {
    return { encoding: 'GSM-7', units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153), nonGsmCharacters: [] };
  }
  const units = text.length; // UTF-16 code units: what UCS-2 (in practice UTF-16) counts
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67), nonGsmCharacters: [...nonGsm] };
}
