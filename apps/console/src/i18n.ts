import { en, type WordKey, type Words } from './words/en';
import { nl } from './words/nl';
import { fr } from './words/fr';
import { de } from './words/de';

/** The console's own languages: those of Belgium's police zones, and English. */
export const UI_LANGUAGES = ['nl', 'fr', 'de', 'en'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];
export type { WordKey, Words };

export const CATALOGUES: Record<UiLanguage, Words> = { nl, fr, de, en };

/** Each language named in itself, as the language menu and the text fields of an alert show it. */
const NATIVE_NAMES: Record<UiLanguage, string> = { nl: 'Nederlands', fr: 'Français', de: 'Deutsch', en: 'English' };

export function nativeLanguageName(language: UiLanguage): string {
  return NATIVE_NAMES[language];
}

/** The Belgian variant of each language (and British English), so dates and numbers read as in Belgium. */
export const UI_LOCALES: Record<UiLanguage, string> = { nl: 'nl-BE', fr: 'fr-BE', de: 'de-BE', en: 'en-GB' };

/** Alerts are Belgian: times are shown in Brussels time, as the reports count months, whatever the computer's zone. */
const TIME_ZONE = 'Europe/Brussels';

const STORAGE_KEY = 'bin-alert.ui-language';

function isUiLanguage(value: unknown): value is UiLanguage {
  return (UI_LANGUAGES as readonly unknown[]).includes(value);
}

/** The language chosen before on this browser; else the first of the browser's languages the console speaks; else English. */
export function initialUiLanguage(stored: string | null, browserLanguages: readonly string[]): UiLanguage {
  if (isUiLanguage(stored)) return stored;
  for (const tag of browserLanguages) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isUiLanguage(primary)) return primary;
  }
  return 'en';
}

export function storedUiLanguage(): UiLanguage {
  return initialUiLanguage(localStorage.getItem(STORAGE_KEY), navigator.languages ?? [navigator.language]);
}

export function rememberUiLanguage(language: UiLanguage): void {
  localStorage.setItem(STORAGE_KEY, language);
}

export function translator(language: UiLanguage) {
  return (key: WordKey, params: Record<string, string | number> = {}): string =>
    CATALOGUES[language][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

export type Translate = ReturnType<typeof translator>;

/** Dates, numbers and language names in the chosen language, never the browser's locale. */
export function formatter(language: UiLanguage) {
  const locale = UI_LOCALES[language];
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  // Counts are whole, but a chart's middle tick (2.5 on a scale of 5) or a rate limiter's tokens are not.
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const oneDecimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', timeZone: TIME_ZONE });
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'medium', timeZone: TIME_ZONE });
  const month = new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' });
  const languageNames = new Intl.DisplayNames([locale], { type: 'language' });
  return {
    locale,
    number: (value: number) => number.format(value),
    dateTime: (iso: string) => dateTime.format(new Date(iso)),
    time: (iso: string) => time.format(new Date(iso)),
    /** A report month as the API spells it (YYYY-MM), abbreviated: "mrt", "mars", "März". */
    month: (yearMonth: string) => {
      const [year, m] = yearMonth.split('-').map(Number);
      return month.format(new Date(Date.UTC(year, m - 1, 15)));
    },
    /** Elapsed time in SI symbols (ms, s, min), which every language reads; only the decimal mark changes. */
    duration: (ms: number | null) => {
      if (ms === null) return '—';
      if (ms < 1000) return `${integer.format(ms)} ms`;
      if (ms < 120_000) return `${oneDecimal.format(ms / 1000)} s`;
      return `${integer.format(Math.floor(ms / 60_000))} min ${integer.format(Math.round((ms % 60_000) / 1000))} s`;
    },
    /** An alert text's language named in the chosen one ("néerlandais"), for running text. */
    languageName: (code: string) => languageNames.of(code) ?? code,
  };
}

export type Format = ReturnType<typeof formatter>;
