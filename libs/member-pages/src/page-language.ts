import { LANGUAGES, Language } from '@bin-alert/domain';

function asLanguage(value: unknown): Language | null {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value) ? (value as Language) : null;
}

/** The best of our languages for an Accept-Language header (`fr-BE,fr;q=0.9,en;q=0.5`), by its q-values. */
export function languageFromAcceptLanguage(header: string | undefined): Language | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { primary: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((l) => Number.isFinite(l.q) && l.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const l of ranked) {
    const found = asLanguage(l.primary);
    if (found) return found;
  }
  return null;
}

/**
 * The language a page speaks: the one the person picked on the page's language switch, else the
 * member's own, else what their browser asks for, else the zone's.
 */
export function pageLanguage(choice: { picked?: unknown; member?: Language | null; acceptLanguage?: string; zoneDefault: Language }): Language {
  return asLanguage(choice.picked) ?? choice.member ?? languageFromAcceptLanguage(choice.acceptLanguage) ?? choice.zoneDefault;
}
