import { listUnsubscribeHeaders, renderCategoryInvitation, renderEmailConfirmation, renderPreferencesLink, renderSmsCode, renderVoiceCode } from './member-notice';

describe('member notices', () => {
  it('invites a member to subscribe, in their language, with the link', () => {
    const mail = renderCategoryInvitation('fr', 'COVID-19', 'https://bin.example/s?token=a&b');
    expect(mail.subject).toBe('Souhaitez-vous encore recevoir les messages BIN sur COVID-19 ?');
    expect(mail.text).toContain('https://bin.example/s?token=a&b');
    expect(mail.html).toContain('href="https://bin.example/s?token=a&amp;b"');
  });

  it('asks to confirm an e-mail address and sends an SMS code', () => {
    expect(renderEmailConfirmation('nl', 'https://x/c').text).toContain('https://x/c');
    expect(renderPreferencesLink('en', 'https://x/p').subject).toBe('Your BIN preferences');
    expect(renderSmsCode('de', '042917')).toBe('Ihr BIN-Bestätigungscode ist 042917. Er ist 15 Minuten gültig.');
  });

  it('builds RFC 8058 one-click unsubscribe headers', () => {
    expect(listUnsubscribeHeaders('https://bin.example/unsubscribe?token=t')).toEqual({
      'List-Unsubscribe': '<https://bin.example/unsubscribe?token=t>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(listUnsubscribeHeaders('https://u', 'unsubscribe@bin.example')['List-Unsubscribe']).toBe('<https://u>, <mailto:unsubscribe@bin.example>');
  });
});

describe('renderVoiceCode', () => {
  it.each([
    ['nl', 'Uw bevestigingscode is 0, 4, 2, 9, 1, 7.'],
    ['fr', 'Votre code de confirmation est 0, 4, 2, 9, 1, 7.'],
    ['de', 'Ihr Bestätigungscode ist 0, 4, 2, 9, 1, 7.'],
    ['en', 'Your confirmation code is 0, 4, 2, 9, 1, 7.'],
  ] as const)('says a %s member their code digit by digit, twice, then hangs up', (language, said) => {
    const script = renderVoiceCode(language, '042917');
    expect(script.language).toBe(language);
    expect(script.steps.map((s) => s.kind)).toEqual(['say', 'pause', 'say', 'hangup']);
    const texts = script.steps.flatMap((s) => (s.kind === 'say' ? [s.text] : []));
    expect(texts[0]).toContain(said);
    expect(texts[1]).toContain('0, 4, 2, 9, 1, 7.');
  });
});
