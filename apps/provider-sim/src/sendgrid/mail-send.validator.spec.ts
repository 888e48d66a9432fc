import { validateMailSend } from './mail-send.validator';

const valid = {
  personalizations: [{ to: [{ email: 'an@example.be' }], custom_args: { delivery_id: 'd-1' } }],
  from: { email: 'bin@politie-aalst.example', name: 'BIN' },
  subject: 'Inbraak',
  content: [
    { type: 'text/plain', value: 'tekst' },
    { type: 'text/html', value: '<p>tekst</p>' },
  ],
};

function refusedFields(body: unknown): Array<string | null> {
  const result = validateMailSend(body);
  return result.ok ? [] : result.errors.map((error) => error.field);
}

describe('validateMailSend', () => {
  it('accepts a minimal valid request', () => {
    expect(validateMailSend(valid)).toMatchObject({ ok: true, request: { subject: 'Inbraak', sandbox: false } });
  });

  it.each([
    ['no personalizations', { ...valid, personalizations: [] }, 'personalizations'],
    ['a personalization without to', { ...valid, personalizations: [{ cc: [{ email: 'a@b.be' }] }] }, 'personalizations.0.to'],
    ['an invalid address', { ...valid, personalizations: [{ to: [{ email: 'nope' }] }] }, 'personalizations.0.to.0.email'],
    ['no from', { ...valid, from: undefined }, 'from.email'],
    ['no content and no template', { ...valid, content: [] }, 'content'],
    ['no subject anywhere', { ...valid, subject: undefined }, 'subject'],
    ['11 categories', { ...valid, categories: Array.from({ length: 11 }, (_, i) => `c${i}`) }, 'categories'],
    ['a non-string custom arg', { ...valid, custom_args: { n: 1 } }, 'custom_args'],
    ['a non-string substitution', { ...valid, personalizations: [{ to: [{ email: 'a@b.be' }], substitutions: { '-n-': 1 } }] }, 'personalizations.0.substitutions'],
  ])('refuses %s', (_, body, field) => {
    expect(refusedFields(body)).toContain(field);
  });

  it('takes the subject from every personalization, or from a template', () => {
    const perPersonalization = { ...valid, subject: undefined, personalizations: [{ to: [{ email: 'a@b.be' }], subject: 'S' }] };
    const templated = { ...valid, subject: undefined, content: undefined, template_id: 'd-123' };

    expect(validateMailSend(perPersonalization).ok).toBe(true);
    expect(validateMailSend(templated).ok).toBe(true);
  });

  it('counts to, cc and bcc together against the 1000-recipient limit', () => {
    const personalizations = Array.from({ length: 334 }, (_, i) => ({
      to: [{ email: `to${i}@example.be` }],
      cc: [{ email: `cc${i}@example.be` }],
      bcc: [{ email: `bcc${i}@example.be` }],
    }));

    expect(refusedFields({ ...valid, personalizations })).toEqual(['personalizations']);
  });

  it('refuses the same address twice across personalizations, case-insensitively', () => {
    const personalizations = [{ to: [{ email: 'gezin@example.be' }] }, { to: [{ email: 'GEZIN@example.be' }] }];

    expect(refusedFields({ ...valid, personalizations })).toEqual(['personalizations.1.to']);
  });

  it('recognises sandbox mode', () => {
    const result = validateMailSend({ ...valid, mail_settings: { sandbox_mode: { enable: true } } });

    expect(result).toMatchObject({ ok: true, request: { sandbox: true } });
  });
});
