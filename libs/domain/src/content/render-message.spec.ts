import { AlertContent } from './alert-message';
import { renderEmail, renderSms, renderVoice } from './render-message';

const missingChild: AlertContent = {
  alertId: 'a-1',
  urgency: 'urgent',
  redistributionAllowed: true,
  texts: {
    nl: { title: 'Vermiste jongen in Herdersem', body: 'Lucas (8) draagt een rode jas. Bel 101.' },
    fr: { title: 'Garçon disparu à Herdersem', body: 'Lucas (8 ans) porte une veste rouge. Appelez le 101.' },
  },
};

describe('renderSms', () => {
  it('writes in the member language, marks urgency and states the redistribution status', () => {
    const sms = renderSms(missingChild, 'fr');
    expect(sms.language).toBe('fr');
    expect(sms.body).toBe(
      'URGENT: Garçon disparu à Herdersem\nLucas (8 ans) porte une veste rouge. Appelez le 101.\nCe message peut être partagé.',
    );
  });

  it('falls back to the zone language (Dutch) for a German-speaking member', () => {
    expect(renderSms(missingChild, 'de').language).toBe('nl');
  });

  it('falls back to any available language when neither the member nor the zone language exists', () => {
    const englishOnly: AlertContent = { ...missingChild, texts: { en: { title: 'T', body: 'B' } } };
    expect(renderSms(englishOnly, 'fr').language).toBe('en');
  });

  it('says "do not share" when the police did not allow redistribution', () => {
    const sms = renderSms({ ...missingChild, redistributionAllowed: false }, 'nl');
    expect(sms.body).toContain('Dit bericht niet verder verspreiden.');
  });

  it('reports encoding and segment count, after normalising typographic quotes', () => {
    const quoted: AlertContent = { ...missingChild, urgency: 'normal', texts: { nl: { title: '\u201CQuick & Lock\u201D', body: 'Actie op zaterdag.' } } };
    const sms = renderSms(quoted, 'nl');
    expect(sms.body.startsWith('"Quick & Lock"')).toBe(true);
    expect(sms).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });
});

describe('renderEmail', () => {
  it('has a subject with the urgency label, plain text and escaped HTML', () => {
    const html: AlertContent = { ...missingChild, texts: { nl: { title: 'A <b> & C', body: 'Regel 1\nRegel 2' } } };
    const email = renderEmail(html, 'nl');
    expect(email.subject).toBe('[DRINGEND] A <b> & C');
    expect(email.text).toContain('Regel 1\nRegel 2');
    expect(email.text).toContain('Dit bericht mag gedeeld worden.');
    expect(email.html).toContain('<h1>[DRINGEND] A &lt;b&gt; &amp; C</h1>');
    expect(email.html).toContain('Regel 1<br>Regel 2');
    expect(email.html).toContain('lang="nl"');
  });
});

describe('renderVoice', () => {
  it('says the message twice in the Belgian locale of the member', () => {
    const voice = renderVoice(missingChild, 'fr');
    expect(voice.locale).toBe('fr-BE');
    expect(voice.twiml.match(/<Say language="fr-BE">/g)).toHaveLength(2);
    expect(voice.script).toContain('Garçon disparu à Herdersem');
  });

  it('escapes XML in the script', () => {
    const voice = renderVoice({ ...missingChild, texts: { en: { title: 'R&D <x>', body: '"q"' } } }, 'en');
    expect(voice.twiml).toContain('R&amp;D &lt;x&gt;');
    expect(voice.locale).toBe('en-GB');
  });
});
