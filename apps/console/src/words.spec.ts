import { MEMBER_WORDS } from '../../../libs/member-pages/src/member-words';
import { CATALOGUES, UI_LANGUAGES, formatter, initialUiLanguage, translator } from './i18n';
import { categoryName, reasonName, roleName } from './alert-words';
import { SUPPRESSION_REASONS } from '../../../libs/domain/src/vocabulary';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/**
 * Words that are the same in English on purpose (names, international terms); any other word
 * equal to the English one is an untranslated copy.
 */
const SAME_AS_ENGLISH: Record<string, string[]> = {
  nl: ['appName', 'language', 'roleOperator', 'roleSupervisor', 'modeTest', 'categoryCovid', 'live', 'email', 'topic', 'deadLetters', 'status', 'kindTest', 'routeColumn'],
  fr: ['appName', 'language', 'modeLegend', 'modeTest', 'categoryCovid', 'body', 'sms', 'email', 'groupStateStable', 'topic', 'urgentBadge', 'kindTest', 'total', 'routeColumn'],
  de: ['appName', 'language', 'modeTest', 'normal', 'categoryCovid', 'live', 'sms', 'topic', 'limit', 'status', 'kindTest', 'routeColumn'],
};

describe('console word catalogues', () => {
  const english = CATALOGUES.en;
  const keys = Object.keys(english).sort();

  it.each(UI_LANGUAGES)('%s has every key of the English catalogue and no other', (language) => {
    expect(Object.keys(CATALOGUES[language]).sort()).toEqual(keys);
  });

  it.each(UI_LANGUAGES)('%s leaves no word empty', (language) => {
    const empty = Object.entries(CATALOGUES[language]).filter(([, text]) => typeof text !== 'string' || text.trim() === '');
    expect(empty).toEqual([]);
  });

  it.each(UI_LANGUAGES)('%s uses exactly the placeholders of the English word', (language) => {
    const mismatched = keys.filter((key) => placeholders(CATALOGUES[language][key as keyof typeof english]).join() !== placeholders(english[key as keyof typeof english]).join());
    expect(mismatched).toEqual([]);
  });

  it.each(['nl', 'fr', 'de'] as const)('%s copies no English word it should translate', (language) => {
    const copied = keys.filter((key) => CATALOGUES[language][key as keyof typeof english] === english[key as keyof typeof english]);
    expect(copied.sort()).toEqual([...SAME_AS_ENGLISH[language]].sort());
  });

  it('puts French non-breaking spaces before high punctuation, never ordinary ones', () => {
    const loose = Object.entries(CATALOGUES.fr).filter(([, text]) => / [:;?!»]/.test(text) || /« /.test(text));
    expect(loose).toEqual([]);
  });

  it.each(UI_LANGUAGES)('%s names the categories as the member pages do', (language) => {
    const t = translator(language);
    for (const [code, words] of Object.entries(MEMBER_WORDS[language].categories)) expect(categoryName(t, code)).toBe(words.label);
  });
});

describe('console words for what the API reports', () => {
  it.each(UI_LANGUAGES)('%s names every reason a member was not contacted', (language) => {
    const t = translator(language);
    for (const reason of SUPPRESSION_REASONS) expect(reasonName(t, reason)).not.toBe(reason);
  });

  it('translates provider failures, keeping the provider’s code, and shows an unknown reason as stored', () => {
    const fr = translator('fr');
    expect(reasonName(fr, 'unreachable_handset')).toBe('GSM injoignable (éteint ou hors réseau)');
    expect(reasonName(fr, 'provider_unavailable_503')).toBe('Fournisseur indisponible (HTTP 503)');
    expect(reasonName(translator('de'), 'twilio_error_30010')).toBe('Fehler des Anbieters 30010');
    expect(reasonName(translator('nl'), 'dropped_bounced_address')).toBe('Niet verstuurd door de e-mailprovider (bounced_address)');
    expect(reasonName(fr, 'something_new')).toBe('something_new');
  });

  it('names roles and categories, and leaves what it does not know as the API gives it', () => {
    expect(roleName(translator('de'), 'board')).toBe('Vorstandsmitglied');
    expect(roleName(translator('fr'), 'auditor')).toBe('auditor');
    expect(categoryName(translator('fr'), 'noise', 'Geluidsoverlast')).toBe('Geluidsoverlast');
  });
});

describe('console language and formats', () => {
  it('keeps the language chosen before, else takes the first of the browser’s it speaks, else English', () => {
    expect(initialUiLanguage('de', ['nl-BE'])).toBe('de');
    expect(initialUiLanguage(null, ['it-IT', 'fr-BE', 'nl'])).toBe('fr');
    expect(initialUiLanguage('klingon', ['ja'])).toBe('en');
  });

  it('writes numbers, dates and months in the chosen language, in Brussels time', () => {
    const at = '2026-03-05T17:30:00Z';
    expect(formatter('fr').number(12345)).toBe('12\u202f345');
    expect(formatter('de').number(12345)).toBe('12.345');
    expect(formatter('en').number(12345)).toBe('12,345');
    expect(formatter('fr').number(2.5)).toBe('2,5');
    expect(formatter('nl').dateTime(at)).toBe('5/03/2026, 18:30');
    expect(formatter('fr').dateTime(at)).toBe('5/03/26 18:30');
    expect(formatter('de').dateTime(at)).toBe('05.03.26, 18:30');
    expect(formatter('en').dateTime(at)).toBe('05/03/2026, 18:30');
    expect(['nl', 'fr', 'de', 'en'].map((l) => formatter(l as 'nl').month('2026-03'))).toEqual(['mrt', 'mars', 'Mär', 'Mar']);
    expect(formatter('fr').duration(1500)).toBe('1,5 s');
    expect(formatter('en').duration(1500)).toBe('1.5 s');
    expect(formatter('de').duration(185_000)).toBe('3 min 5 s');
    expect(formatter('fr').languageName('nl')).toBe('néerlandais');
  });
});
