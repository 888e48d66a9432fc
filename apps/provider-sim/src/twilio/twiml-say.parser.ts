import { SaidText } from '../inbox/sim-message';

/** Twilio's language when `<Say>` names none. */
const DEFAULT_LANGUAGE = 'en-US';

const SAY_ELEMENT = /<Say\b([^>]*?)(?:\/>|>([\s\S]*?)<\/Say\s*>)/g;
const LANGUAGE_ATTRIBUTE = /\blanguage\s*=\s*(?:"([^"]*)"|'([^']*)')/;
const SSML_TAG = /<[^>]+>/g;

/**
 * What a call would speak: each `<Say>` in document order (including those nested in
 * `<Gather>`), with its language. A regex reading is enough for the TwiML the system generates;
 * SSML tags inside `<Say>` are dropped and only their text kept.
 */
export function parseSaidTexts(twiml: string): SaidText[] {
  const said: SaidText[] = [];
  for (const match of twiml.matchAll(SAY_ELEMENT)) {
    const attributes = match[1] ?? '';
    const language = LANGUAGE_ATTRIBUTE.exec(attributes);
    const text = unescapeXml((match[2] ?? '').replace(SSML_TAG, ' ')).replace(/\s+/g, ' ').trim();
    said.push({ language: unescapeXml(language?.[1] ?? language?.[2] ?? DEFAULT_LANGUAGE), text });
  }
  return said;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(parseInt(dec, 10)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&'); // last, so that "&amp;lt;" stays "&lt;"
}
