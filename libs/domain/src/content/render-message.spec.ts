import { AlertContent, SENDER_NAME } from './alert-message';
import { renderEmail } from './alert-email';
import { renderSms, renderVoice, renderVoiceGatherReply } from './render-message';

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
    expect(sms.body).toBe('URGENT: Garçon disparu à Herdersem\nLucas (8 ans) porte une veste rouge. Appelez le 101.\nCe message peut être partagé.');
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
    expect(email.html).toMatch(/<h1 style="[^"]*">A &lt;b&gt; &amp; C<\/h1>/);
    expect(email.html).toMatch(/<span style="[^"]*">Dringend<\/span>/);
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
    texts: {
      nl: { title: 'Inbraken', body: 'Sluit af.' },
      fr: { title: 'Cambriolages', body: 'Fermez.' },
      de: { title: 'Einbrüche', body: 'Abschließen.' },
      en: { title: 'Burglaries', body: 'Lock up.' },
    },
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
    const footer = email.html.slice(email.html.lastIndexOf(`>${SENDER_NAME[language]}</p>`));
    expect(footer).toMatch(
      new RegExp(
        `^[^]*<a href="\\{\\{bin_preferences_url\\}\\}" style="[^"]*">${preferences}</a>[^]*<a href="\\{\\{bin_unsubscribe_url\\}\\}" style="[^"]*">${unsubscribe}</a></p>\n</td></tr>\n</table>`,
      ),
    );
  });

  it('offers no unsubscribe for a mandatory category, only the preference centre', () => {
    const email = renderEmail({ ...missingChild, category: 'missing_person', categoryRule: 'mandatory' }, 'nl', links);
    expect(email.text).toContain('Wijzig welke berichten u ontvangt, hoe en wanneer: {{bin_preferences_url}}');
    expect(email.html).toContain('<a href="{{bin_preferences_url}}" style=');
    expect(`${email.text}${email.html}`).not.toContain('{{bin_unsubscribe_url}}');
    expect(email.text).not.toContain('Geen ');
  });

  it('offers no unsubscribe for an alert without a category', () => {
    expect(renderEmail(missingChild, 'nl', links).text).not.toContain('{{bin_unsubscribe_url}}');
  });

  it('names each starting category in the member language, and any other by its code', () => {
    const line = (category: string, language: 'nl' | 'fr' | 'de' | 'en') =>
      renderEmail({ ...burglary, category }, language, links)
        .text.split('\n')
        .pop();
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
    expect(email.html).toContain('<a href="https://bin.example/preferences?token=a&amp;b" style=');
    expect(email.text).toContain('how and when: https://bin.example/preferences?token=a&b\n');
  });

  it('has no footer without links, as in a preview', () => {
    const email = renderEmail(burglary, 'nl');
    expect(email.text.endsWith(`-- \n${SENDER_NAME.nl}`)).toBe(true);
    expect(email.html).not.toContain('<a ');
  });
});

describe('renderVoice', () => {
  it('says the message twice in the member language, with a pause between', () => {
    const voice = renderVoice(missingChild, 'fr');
    expect(voice.language).toBe('fr');
    expect(voice.script).toContain('Garçon disparu à Herdersem');
    expect(voice.steps).toEqual([
      { kind: 'say', text: voice.script },
      { kind: 'pause', seconds: 1 },
      { kind: 'say', text: voice.script },
    ]);
  });

  it('has no gather without a gather action URL', () => {
    expect(renderVoice(missingChild, 'nl').steps.map((s) => s.kind)).not.toContain('gather');
  });

  it('says the second reading inside a gather posting to the action URL, with the prompt in the member language', () => {
    const action = 'https://tracker.example/webhooks/twilio/voice-gather?deliveryId=d-1&x=1';
    const voice = renderVoice(missingChild, 'fr', { gatherActionUrl: action });
    const script = 'Message BIN de la police. Garçon disparu à Herdersem. Lucas (8 ans) porte une veste rouge. Appelez le 101. Ce message peut être partagé.';
    expect(voice.script).toBe(script);
    expect(voice.steps).toEqual([
      { kind: 'say', text: script },
      { kind: 'pause', seconds: 1 },
      { kind: 'gather', digits: 1, timeoutSeconds: 8, actionUrl: action, say: [script, 'Appuyez sur 1 pour confirmer que vous avez reçu ce message.'] },
    ]);
  });

  it('leaves an answering machine the message once, with nothing to press', () => {
    const voice = renderVoice(missingChild, 'fr', { gatherActionUrl: 'http://t/g', answeredByMachine: true });
    expect(voice.steps).toEqual([{ kind: 'say', text: voice.script }, { kind: 'hangup' }]);
  });

  it.each([
    ['nl', 'nl', 'Druk op 1'],
    ['de', 'nl', 'Druk op 1'], // no German text: the zone language, prompt included
    ['en', 'nl', 'Druk op 1'],
  ] as const)('prompts a %s member in the language the alert is said in (%s)', (language, said, prompt) => {
    const voice = renderVoice(missingChild, language, { gatherActionUrl: 'http://t/g' });
    expect(voice.language).toBe(said);
    const gather = voice.steps.find((s) => s.kind === 'gather');
    expect(gather?.kind === 'gather' && gather.say[1]).toMatch(new RegExp(`^${prompt}`));
  });
});

describe('renderVoiceGatherReply', () => {
  it.each([
    ['nl', 'Bedankt. Uw bevestiging is genoteerd.'],
    ['fr', 'Merci. Votre confirmation est enregistrée.'],
    ['de', 'Danke. Ihre Bestätigung wurde gespeichert.'],
    ['en', 'Thank you. Your confirmation has been recorded.'],
  ] as const)('thanks a %s member and hangs up', (language, thanks) => {
    expect(renderVoiceGatherReply(language, true)).toEqual({ language, steps: [{ kind: 'say', text: thanks }, { kind: 'hangup' }] });
  });

  it('says nothing more when nothing was confirmed or the delivery is unknown', () => {
    expect(renderVoiceGatherReply('nl', false)).toBeNull();
    expect(renderVoiceGatherReply(null, true)).toBeNull();
  });
});

describe('the instruction and the contact line (CAP instruction and contact)', () => {
  const withLines: AlertContent = {
    ...missingChild,
    texts: {
      nl: { title: 'Vermiste jongen in Herdersem', body: 'Lucas (8) draagt een rode jas.', instruction: 'Benader hem rustig.', contact: 'Bel 101' },
      fr: { title: 'Garçon disparu à Herdersem', body: 'Lucas (8 ans) porte une veste rouge.', instruction: 'Approchez-le calmement.', contact: 'Appelez le 101' },
    },
  };

  it('puts them after the body of the SMS, the contact line labelled in the member language', () => {
    expect(renderSms(withLines, 'nl').body).toBe(
      'DRINGEND: Vermiste jongen in Herdersem\nLucas (8) draagt een rode jas.\nBenader hem rustig.\nContact: Bel 101\nDit bericht mag gedeeld worden.',
    );
  });

  it('cuts the body, then the instruction, then the title before the contact line of an SMS over its budget', () => {
    const long: AlertContent = { ...withLines, texts: { nl: { ...withLines.texts.nl!, body: 'woord '.repeat(200).trim(), instruction: 'doe '.repeat(200).trim() } } };
    const oneSegment = renderSms(long, 'nl', { segmentBudget: 1 });
    expect(oneSegment.truncated).toBe(true);
    expect(oneSegment.segments).toBe(1);
    expect(oneSegment.body).toContain('\nContact: Bel 101\nDit bericht mag gedeeld worden.');
    expect(oneSegment.body).not.toContain('woord');
    expect(oneSegment.body).toMatch(/\ndoe( doe)*\.\.\.\n/);
    const shortInstruction: AlertContent = { ...long, texts: { nl: { ...long.texts.nl!, instruction: 'Benader hem rustig.' } } };
    const threeSegments = renderSms(shortInstruction, 'nl');
    expect(threeSegments.segments).toBe(3);
    expect(threeSegments.body).toMatch(/\nwoord( woord)*\.\.\.\nBenader hem rustig\.\nContact: Bel 101\n/);
  });

  it('cuts the contact line only when nothing else is left to cut', () => {
    const longContact: AlertContent = { ...withLines, texts: { nl: { title: 'Vermist', body: 'Lucas.', contact: 'bel '.repeat(50).trim() } } };
    const sms = renderSms(longContact, 'nl', { segmentBudget: 1 });
    expect(sms.segments).toBe(1);
    expect(sms.body).toMatch(/^DRINGEND: \.\.\.\nContact: bel( bel)*\.\.\.\nDit bericht mag gedeeld worden\.$/);
  });

  it('gives them a paragraph each in the e-mail, text and HTML', () => {
    const email = renderEmail(withLines, 'fr');
    expect(email.text).toContain('Lucas (8 ans) porte une veste rouge.\n\nQue faire ?\nApprochez-le calmement.\n\nContact: Appelez le 101\n\nCe message peut être partagé.');
    // In the HTML, each under its heading, after the body and before the redistribution notice.
    expect(email.html).toMatch(
      /veste rouge\.<\/p>\n<div style="[^"]*">\n<p style="[^"]*">Que faire \?<\/p>\n<p style="[^"]*">Approchez-le calmement\.<\/p>\n<\/div>\n<div style="[^"]*">\n<p style="[^"]*">Contact<\/p>\n<p style="[^"]*">Appelez le 101<\/p>\n<\/div>\n<p style="[^"]*">Ce message peut être partagé\.<\/p>/,
    );
  });

  it('says them in the call, after the body, each time the message is said', () => {
    const voice = renderVoice(withLines, 'nl', { gatherActionUrl: 'http://t/g' });
    expect(voice.script).toContain('Lucas (8) draagt een rode jas. Benader hem rustig. Contact: Bel 101. Dit bericht mag gedeeld worden.');
    expect(voice.steps).toEqual([
      { kind: 'say', text: voice.script },
      { kind: 'pause', seconds: 1 },
      expect.objectContaining({ kind: 'gather', say: [voice.script, expect.any(String)] }),
    ]);
  });
});
