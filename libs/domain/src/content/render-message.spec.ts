import { AlertContent, SENDER_NAME } from './alert-message';
import { renderEmail, renderSms, renderVoice, renderVoiceGatherReply } from './render-message';

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

describe('renderEmail footer', () => {
  const burglary: AlertContent = {
    alertId: 'a-2',
    urgency: 'normal',
    redistributionAllowed: true,
    category: 'burglary',
    categoryRule: 'opt_out',
    texts: { nl: { title: 'Inbraken', body: 'Sluit af.' }, fr: { title: 'Cambriolages', body: 'Fermez.' }, de: { title: 'Einbrüche', body: 'Abschließen.' }, en: { title: 'Burglaries', body: 'Lock up.' } },
  };
  const links = { preferences: '{{bin_preferences_url}}', unsubscribe: '{{bin_unsubscribe_url}}' };

  it.each([
    ['nl', 'Wijzig welke berichten u ontvangt, hoe en wanneer', 'Geen berichten over inbraken meer per e-mail', ':'],
    ['fr', 'Choisissez quels messages vous recevez, comment et quand', 'Ne plus recevoir les messages sur les cambriolages par e-mail', ' :'],
    ['de', 'Ändern Sie, welche Nachrichten Sie erhalten, wie und wann', 'Keine Nachrichten über Einbrüche mehr per E-Mail', ':'],
    ['en', 'Change which messages you receive, how and when', 'No more messages about burglaries by e-mail', ':'],
  ] as const)('in %s links the preference centre and leaving the category: after the text signature, and as the HTML links', (language, preferences, unsubscribe, colon) => {
    const email = renderEmail(burglary, language, links);
    expect(email.text.endsWith(`\n\n-- \n${SENDER_NAME[language]}\n${preferences}${colon} {{bin_preferences_url}}\n${unsubscribe}${colon} {{bin_unsubscribe_url}}`)).toBe(true);
    expect(email.html).toContain(`<hr>\n<p><a href="{{bin_preferences_url}}">${preferences}</a></p>\n<p><a href="{{bin_unsubscribe_url}}">${unsubscribe}</a></p>\n</body></html>`);
  });

  it('offers no unsubscribe for a mandatory category, only the preference centre', () => {
    const email = renderEmail({ ...missingChild, category: 'missing_person', categoryRule: 'mandatory' }, 'nl', links);
    expect(email.text).toContain('Wijzig welke berichten u ontvangt, hoe en wanneer: {{bin_preferences_url}}');
    expect(email.html).toContain('<a href="{{bin_preferences_url}}">');
    expect(`${email.text}${email.html}`).not.toContain('{{bin_unsubscribe_url}}');
    expect(email.text).not.toContain('Geen ');
  });

  it('offers no unsubscribe for an alert without a category', () => {
    expect(renderEmail(missingChild, 'nl', links).text).not.toContain('{{bin_unsubscribe_url}}');
  });

  it('names each starting category in the member language, and any other by its code', () => {
    const line = (category: string, language: 'nl' | 'fr' | 'de' | 'en') => renderEmail({ ...burglary, category }, language, links).text.split('\n').pop();
    expect(line('general', 'de')).toBe('Keine allgemeinen Nachrichten mehr per E-Mail: {{bin_unsubscribe_url}}');
    expect(line('prevention', 'nl')).toBe('Geen preventieberichten meer per e-mail: {{bin_unsubscribe_url}}');
    expect(line('covid', 'fr')).toBe('Ne plus recevoir les messages sur la COVID-19 par e-mail : {{bin_unsubscribe_url}}');
    expect(line('road_works', 'en')).toBe('No more messages in the category ‘road_works’ by e-mail: {{bin_unsubscribe_url}}');
  });

  it('follows the language the text was written in, not the member’s, when it falls back', () => {
    const email = renderEmail({ ...burglary, texts: { fr: burglary.texts.fr } }, 'nl', links);
    expect(email.text).toContain('Choisissez quels messages vous recevez');
  });

  it('escapes real URLs in the HTML and keeps them whole in the text', () => {
    const email = renderEmail(burglary, 'en', { preferences: 'https://bin.example/preferences?token=a&b', unsubscribe: 'https://bin.example/unsubscribe?token=c' });
    expect(email.html).toContain('<a href="https://bin.example/preferences?token=a&amp;b">');
    expect(email.text).toContain('how and when: https://bin.example/preferences?token=a&b\n');
  });

  it('has no footer without links, as in a preview', () => {
    const email = renderEmail(burglary, 'nl');
    expect(email.text.endsWith(`-- \n${SENDER_NAME.nl}`)).toBe(true);
    expect(email.html).not.toContain('<hr>');
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

  it('has no <Gather> without a gather action URL', () => {
    expect(renderVoice(missingChild, 'nl').twiml).not.toContain('<Gather');
  });

  it('wraps the second reading in a <Gather> posting to the action URL, with the prompt in the member language', () => {
    const action = 'https://tracker.example/webhooks/twilio/voice-gather?deliveryId=d-1&x=1';
    const voice = renderVoice(missingChild, 'fr', { gatherActionUrl: action });
    const say = `<Say language="fr-BE">Message BIN de la police. Garçon disparu à Herdersem. Lucas (8 ans) porte une veste rouge. Appelez le 101. Ce message peut être partagé.</Say>`;
    expect(voice.twiml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        say +
        '<Pause length="1"/>' +
        '<Gather numDigits="1" timeout="8" action="https://tracker.example/webhooks/twilio/voice-gather?deliveryId=d-1&amp;x=1" method="POST">' +
        say +
        '<Say language="fr-BE">Appuyez sur 1 pour confirmer que vous avez reçu ce message.</Say></Gather></Response>',
    );
    expect(voice.script).not.toContain('Appuyez');
  });

  it('leaves an answering machine the message once, with nothing to press', () => {
    const voice = renderVoice(missingChild, 'fr', { gatherActionUrl: 'http://t/g', answeredByMachine: true });
    expect(voice.twiml.match(/Lucas \(8 ans\)/g)).toHaveLength(1);
    expect(voice.twiml).not.toContain('<Gather');
    expect(voice.twiml).toMatch(/<\/Say><Hangup\/><\/Response>$/);
  });

  it.each([
    ['nl', 'nl-BE', 'Druk op 1'],
    ['de', 'nl-BE', 'Druk op 1'], // no German text: the zone language, prompt included
    ['en', 'nl-BE', 'Druk op 1'],
  ] as const)('prompts a %s member in the language the alert is said in (%s)', (language, locale, prompt) => {
    const twiml = renderVoice(missingChild, language, { gatherActionUrl: 'http://t/g' }).twiml;
    expect(twiml).toContain(`<Say language="${locale}">${prompt}`);
  });
});

describe('renderVoiceGatherReply', () => {
  it.each([
    ['nl', '<Say language="nl-BE">Bedankt. Uw bevestiging is genoteerd.</Say>'],
    ['fr', '<Say language="fr-BE">Merci. Votre confirmation est enregistrée.</Say>'],
    ['de', '<Say language="de-DE">Danke. Ihre Bestätigung wurde gespeichert.</Say>'],
    ['en', '<Say language="en-GB">Thank you. Your confirmation has been recorded.</Say>'],
  ] as const)('thanks a %s member and hangs up', (language, say) => {
    expect(renderVoiceGatherReply(language, true)).toBe(`<?xml version="1.0" encoding="UTF-8"?><Response>${say}<Hangup/></Response>`);
  });

  it('answers an empty response when nothing was confirmed or the delivery is unknown', () => {
    expect(renderVoiceGatherReply('nl', false)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(renderVoiceGatherReply(null, true)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });
});
