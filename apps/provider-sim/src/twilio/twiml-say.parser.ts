import { SaidText } from '../inbox/sim-message';
import { unescapeXml, xmlAttribute } from './xml-text';

/** Twilio's language when `<Say>` names none. */
const DEFAULT_LANGUAGE = 'en-US';

const SAY_ELEMENT = /<Say\b([^>]*?)(?:\/>|>([\s\S]*?)<\/Say\s*>)/g;
const SSML_TAG = /<[^>]+>/g;

/**
 * What a call would speak: each `<Say>` in document order (including those nested in
 * `<Gather>`), with its language and voice. A regex reading is enough for the TwiML the system generates;
 * SSML tags inside `<Say>` are dropped and only their text kept.
 */
export function parseSaidTexts(twiml: string): SaidText[] {
  const said: SaidText[] = [];
  for (const match of twiml.matchAll(SAY_ELEMENT)) {
    const text = unescapeXml((match[2] ?? '').replace(SSML_TAG, ' '))
      .replace(/\s+/g, ' ')
      .trim();
    const voice = xmlAttribute(match[1] ?? '', 'voice');
    said.push({ language: xmlAttribute(match[1] ?? '', 'language') ?? DEFAULT_LANGUAGE, ...(voice ? { voice } : {}), text });
  }
  return said;
}
