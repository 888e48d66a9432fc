import { ERROR_CODES, FIELD_PROBLEM_CODES } from '../../../libs/domain/src/errors/domain-error';
import { ApiError } from './api';
import { say } from './alert-words';
import { UI_LANGUAGES, translator } from './i18n';
import { refusalReason } from './refusals';

describe('console refusals, from the codes the API answers with', () => {
  const fr = translator('fr');

  it('says a refusal in the operator’s language from its code', () => {
    const refused = new ApiError(403, 'the author of an alert may not approve it', [], 'alert.not_allowed');
    expect(say(fr, { failure: refused })).toBe(
      'Refusé par le serveur (403, non autorisé)\u00a0: vous ne pouvez pas faire cette étape pour cette alerte (un auteur n’approuve pas sa propre alerte)',
    );
    expect(say(translator('de'), { failure: new ApiError(404, 'no alert with id x', [], 'alert.not_found') })).toContain('diese Warnung gibt es nicht');
  });

  it('says each wrong field of bad input from its code, keeping the server’s reason where the code is only `invalid`', () => {
    const refused = new ApiError(
      400,
      'The request is invalid.',
      [
        { field: 'texts.fr.contact', code: 'too_big', reason: 'at most 200 characters' },
        { field: 'bins[1]', code: 'unknown', reason: "unknown BIN 'atlantis'" },
        { field: 'bins', code: 'invalid', reason: 'each BIN once' },
      ],
      'input.invalid',
    );
    expect(refusalReason(fr, refused)).toBe(
      'texts.fr.contact est trop long ou trop grand; bins[1] désigne quelque chose que ce système ne connaît pas; bins n’est pas valable (each BIN once)',
    );
  });

  it('falls back to the server’s words for a code it does not know, or none', () => {
    expect(refusalReason(fr, { code: 'alert.on_fire', message: 'the alert is on fire', problems: [] })).toBe('the alert is on fire');
    expect(refusalReason(fr, { message: 'an older server', problems: [] })).toBe('an older server');
    expect(refusalReason(fr, { code: 'input.invalid', message: 'x', problems: [{ field: 'colour', code: 'too_pink', reason: 'too pink' }] })).toBe('colour: too pink');
    expect(refusalReason(fr, { code: 'input.invalid', message: 'x', problems: [{ field: 'colour', reason: 'no code at all' }] })).toBe('colour: no code at all');
  });

  it.each(UI_LANGUAGES)('has a word in %s for every code the domain has, and for every field code', (language) => {
    const t = translator(language);
    for (const code of Object.keys(ERROR_CODES)) expect(refusalReason(t, { code, message: 'SERVER WORDS', problems: [] })).not.toBe('SERVER WORDS');
    for (const code of FIELD_PROBLEM_CODES) expect(refusalReason(t, { message: '', problems: [{ field: 'f', code, reason: 'SERVER WORDS' }] })).not.toBe('f: SERVER WORDS');
  });
});
