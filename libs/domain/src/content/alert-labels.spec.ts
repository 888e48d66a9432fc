import { AlertContent } from './alert-message';
import { previewAlert } from './alert-preview';
import { renderEmail } from './alert-email';
import { renderSms, renderVoice } from './render-message';
import { segmentSms } from './sms-encoding';

const base: AlertContent = {
  alertId: 'a-1',
  urgency: 'normal',
  redistributionAllowed: true,
  texts: {
    nl: { title: 'Inbraken in Moorsel', body: 'Sluit ramen en deuren.' },
    fr: { title: 'Cambriolages à Moorsel', body: 'Fermez portes et fenêtres.' },
  },
};

describe('test and exercise alerts say so on every channel, in the member language', () => {
  const test: AlertContent = { ...base, kind: 'test' };

  it.each([
    ['nl', 'TEST: Inbraken in Moorsel', 'Dit is een test, geen echte melding.'],
    ['fr', 'TEST: Cambriolages à Moorsel', 'Ceci est un test, pas une vraie alerte.'],
  ] as const)('SMS in %s starts with the label and ends with the sentence', (language, start, sentence) => {
    const sms = renderSms(test, language);
    expect(sms.body.startsWith(start)).toBe(true);
    expect(sms.body.endsWith(sentence)).toBe(true);
  });

  it('labels an exercise in the member language', () => {
    expect(renderSms({ ...base, kind: 'exercise', texts: { en: { title: 'Drill', body: 'Nothing happens.' } } }, 'en').body).toBe(
      'EXERCISE: Drill\nNothing happens.\nThis message may be shared.\nThis is an exercise, not a real alert.',
    );
    expect(renderSms({ ...base, kind: 'exercise', texts: { de: { title: 'Probe', body: 'Nichts.' } } }, 'de').body).toContain('ÜBUNG: Probe');
  });

  it('e-mail: subject, plain text and HTML say it is a test', () => {
    const email = renderEmail(test, 'nl');
    expect(email.subject).toBe('[TEST] Inbraken in Moorsel');
    expect(email.text.startsWith('Dit is een test, geen echte melding.')).toBe(true);
    expect(email.text).toContain('Dit bericht mag gedeeld worden.');
    // A banner above everything, the label before the title, and the sentence again at the end.
    expect(email.html.split('Dit is een test, geen echte melding.')).toHaveLength(3);
    expect(email.html).toMatch(/<td style="[^"]*">Dit is een test, geen echte melding\.<\/td><\/tr>\n<tr><td style="[^"]*"><span style="[^"]*">TEST<\/span>/);
    expect(email.html).toMatch(/<h1 style="[^"]*">Inbraken in Moorsel<\/h1>/);
  });

  it('voice says TEST first and the sentence before and after the message', () => {
    const voice = renderVoice(test, 'fr');
    expect(voice.script).toBe(
      'Message BIN de la police. TEST. Ceci est un test, pas une vraie alerte. Cambriolages à Moorsel. Fermez portes et fenêtres. Ce message peut être partagé. Ceci est un test, pas une vraie alerte.',
    );
  });

  it('an actual alert carries no test marker', () => {
    expect(renderSms(base, 'nl').body).not.toMatch(/test/i);
    expect(renderEmail(base, 'nl').subject).toBe('Inbraken in Moorsel');
    expect(renderVoice(base, 'nl').script).not.toMatch(/test/i);
  });
});

describe('updates and cancels are labelled', () => {
  it.each([
    ['nl', 'cancel', 'EINDE ALARM - DRINGEND: '],
    ['fr', 'cancel', "FIN D'ALERTE - URGENT: "],
    ['nl', 'update', 'UPDATE - DRINGEND: '],
  ] as const)('%s %s', (language, messageType, prefix) => {
    const content: AlertContent = { ...base, urgency: 'urgent', messageType };
    expect(renderSms(content, language).body.startsWith(prefix)).toBe(true);
  });

  it('puts the test label before everything else', () => {
    const content: AlertContent = { ...base, urgency: 'urgent', messageType: 'cancel', kind: 'test' };
    expect(renderSms(content, 'nl').body.startsWith('TEST - EINDE ALARM - DRINGEND: ')).toBe(true);
    expect(renderEmail(content, 'nl').subject).toBe('[TEST] [EINDE ALARM] [DRINGEND] Inbraken in Moorsel');
    expect(renderVoice(content, 'nl').script).toContain('TEST. Dit is een test, geen echte melding. EINDE ALARM. Inbraken');
  });
});

describe('the redistribution status is on every channel, in the member language', () => {
  it.each(['nl', 'fr', 'de', 'en'] as const)('%s', (language) => {
    const content: AlertContent = { ...base, redistributionAllowed: false, texts: { [language]: { title: 'T', body: 'B' } } };
    const notice = { nl: 'Dit bericht niet verder verspreiden.', fr: 'Ne pas diffuser ce message.', de: 'Diese Nachricht nicht weitergeben.', en: 'Do not share this message.' }[
      language
    ];
    expect(renderSms(content, language).body).toContain(notice);
    expect(renderEmail(content, language).text).toContain(notice);
    expect(renderEmail(content, language).html).toContain(notice);
    expect(renderVoice(content, language).script).toContain(notice);
  });
});

describe('fallback to the zone language', () => {
  it('uses the configured zone language when the member language is missing', () => {
    const content: AlertContent = { ...base, fallbackLanguage: 'fr' };
    expect(renderSms(content, 'de').language).toBe('fr');
    expect(renderSms({ ...base }, 'de').language).toBe('nl');
  });
});

describe('SMS within a segment budget', () => {
  const long = 'Lucas draagt een rode jas, een blauwe broek en witte sportschoenen. Hij werd laatst gezien aan het station. ';
  const missing: AlertContent = {
    alertId: 'a-2',
    urgency: 'urgent',
    redistributionAllowed: false,
    kind: 'test',
    texts: { nl: { title: 'Vermiste jongen Lucas (8)', body: long.repeat(8).trim() } },
  };

  it.each([1, 2, 3])('cuts the body at a word to fit %i segment(s) and keeps every marker', (budget) => {
    const sms = renderSms(missing, 'nl', { segmentBudget: budget });
    expect(sms.truncated).toBe(true);
    expect(sms.segments).toBeLessThanOrEqual(budget);
    expect(sms.segments).toBe(segmentSms(sms.body).segments);
    expect(sms.body.startsWith('TEST - DRINGEND: Vermiste jongen Lucas (8)\nLucas')).toBe(true);
    expect(sms.body).toMatch(/[a-z,.]\.\.\.\nDit bericht niet verder verspreiden\.\nDit is een test, geen echte melding\.$/);
    // Cut between words, not inside one.
    const cutBody = sms.body.split('\n')[1];
    expect(long.repeat(8)).toContain(`${cutBody.replace(/\.\.\.$/, '')} `);
  });

  it('takes as much of the body as fits', () => {
    const sms = renderSms(missing, 'nl', { segmentBudget: 2 });
    expect(sms.units).toBeGreaterThan(2 * 153 - 15);
  });

  it('leaves a message within the budget whole', () => {
    const sms = renderSms({ ...missing, texts: { nl: { title: 'Kort', body: 'Bel 101.' } } }, 'nl', { segmentBudget: 1 });
    expect(sms).toMatchObject({ truncated: false, segments: 1 });
  });

  it('counts UCS-2 budgets in 67-unit parts when the text needs it', () => {
    const french: AlertContent = { ...missing, texts: { fr: { title: 'Fenêtre brisée', body: 'Un garçon a été vu près de la fenêtre. '.repeat(20).trim() } } };
    const sms = renderSms(french, 'fr', { segmentBudget: 3 });
    expect(sms).toMatchObject({ encoding: 'UCS-2', truncated: true });
    expect(sms.segments).toBeLessThanOrEqual(3);
    expect(sms.body).toContain('Ne pas diffuser ce message.');
  });

  it('cuts the title when not even one word of the body fits', () => {
    const content: AlertContent = { ...missing, kind: 'actual', texts: { en: { title: 'word '.repeat(60).trim(), body: 'body text' } } };
    const sms = renderSms(content, 'en', { segmentBudget: 1 });
    expect(sms.segments).toBe(1);
    expect(sms.body.startsWith('URGENT: word word')).toBe(true);
    expect(sms.body.endsWith('...\nDo not share this message.')).toBe(true);
  });
});

describe('previewAlert', () => {
  it('shows every channel for every member language with the fallback used and the SMS cost', () => {
    const preview = previewAlert({ ...base, kind: 'test' });
    expect(Object.keys(preview)).toEqual(['nl', 'fr', 'de', 'en']);
    // "être" in the French redistribution notice is outside GSM-7: every French SMS is UCS-2.
    expect(preview.fr.sms).toMatchObject({ language: 'fr', encoding: 'UCS-2', segments: 2, nonGsmCharacters: ['ê'] });
    expect(preview.nl.sms).toMatchObject({ language: 'nl', encoding: 'GSM-7', segments: 1 });
    expect(preview.de.email.language).toBe('nl');
    expect(preview.en.voice.language).toBe('nl');
    expect(preview.nl.email.subject).toBe('[TEST] Inbraken in Moorsel');
  });

  it('applies the budget it is given', () => {
    const preview = previewAlert({ ...base, texts: { nl: { title: 'T', body: 'woord '.repeat(100) } } }, { segmentBudget: 1 });
    expect(preview.nl.sms).toMatchObject({ segments: 1, truncated: true });
  });
});
