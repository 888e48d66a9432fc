import { Language, LANGUAGES } from '../vocabulary';

/** The language of police zone Aalst; a zone elsewhere configures its own. */
export const DEFAULT_ZONE_LANGUAGE: Language = 'nl';

/**
 * The language a member is addressed in: their own if the alert has it, else the zone's default,
 * else the first language the alert was written in.
 */
export function pickLanguage(memberLanguage: Language, available: readonly Language[], zoneDefault: Language = DEFAULT_ZONE_LANGUAGE): Language {
  if (available.includes(memberLanguage)) return memberLanguage;
  if (available.includes(zoneDefault)) return zoneDefault;
  const first = LANGUAGES.find((l) => available.includes(l));
  if (!first) throw new Error('an alert needs text in at least one language');
  return first;
}
