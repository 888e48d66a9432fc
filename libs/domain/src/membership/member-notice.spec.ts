import { listUnsubscribeHeaders, renderCategoryInvitation, renderEmailConfirmation, renderPreferencesLink, renderSmsCode } from './member-notice';

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
