import { LANGUAGES } from '@bin-alert/domain';
import { html, raw } from './html';
import { MEMBER_WORDS } from './member-words';
import { reasonFor, hrefOf, listInWords } from './layout';
import { languageFromAcceptLanguage, pageLanguage } from './page-language';
import { applicationPage, confirmEmailPage, joinFormValues, joinPage } from './join-pages';
import { PreferenceCentreView, preferenceFormChange, preferenceSummary, preferencesPage, resignPage, subscribePage, unsubscribePage } from './preference-pages';
import { askLinkPage, errorPage, linkProblemPage } from './link-pages';
import { MEMBER_STYLESHEET_URL } from './stylesheet';

const CENTRE: PreferenceCentreView = {
  language: 'fr',
  quietHours: null,
  contacts: [
    { channel: 'sms', verified: true },
    { channel: 'email', verified: true },
  ],
  categories: [
    { code: 'burglary', name: 'Inbraak / Cambriolage', rule: 'opt_out', channels: { sms: { receives: true, chosen: null }, email: { receives: true, chosen: null } } },
    { code: 'covid', name: 'COVID-19', rule: 'opt_in', channels: { sms: { receives: false, chosen: null }, email: { receives: false, chosen: null } } },
    { code: 'missing_person', name: 'Vermissing / Disparition', rule: 'mandatory', channels: { sms: { receives: true, chosen: null }, email: { receives: true, chosen: null } } },
  ],
};

describe('html', () => {
  it('escapes every interpolation unless it is markup the library made', () => {
    const name = '<script>alert("x")</script> & Co';
    expect(html`<p>${name}</p>`.value).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</p>');
    expect(html`<p>${raw('<b>ok</b>')}${['a', '<b>']}${null}${false}${undefined}</p>`.value).toBe('<p><b>ok</b>a&lt;b&gt;</p>');
  });

  it('a name typed into the form comes back escaped, never as markup', () => {
    const page = joinPage({
      language: 'nl',
      bins: [{ id: 'herdersem', name: 'BIN Herdersem' }],
      values: { name: '"><img src=x onerror=alert(1)>', language: 'nl', bins: [], email: '', mobile: '', phone: '', consent: false },
    });
    expect(page).not.toContain('<img');
    expect(page).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
  });
});

describe('every page, in every language', () => {
  const pages = (language: (typeof LANGUAGES)[number]) => [
    joinPage({ language, bins: [{ id: 'herdersem', name: 'BIN Herdersem' }] }),
    applicationPage({ language, memberId: '11111111-1111-4111-8111-111111111111', email: 'pending', mobile: 'pending', phone: 'pending', active: false }),
    confirmEmailPage({ language, address: { path: '/confirm-email', query: { token: 't' } }, state: 'ask' }),
    preferencesPage({ language, address: { path: '/preferences', query: { token: 't' } }, centre: CENTRE, saved: true, resignHref: '/resign?token=r' }),
    subscribePage({
      language,
      address: { path: '/subscribe', query: { token: 't' } },
      category: { code: 'covid', name: 'COVID-19' },
      channels: ['sms', 'email'],
      state: 'ask',
      preferencesHref: '/preferences?token=p',
    }),
    unsubscribePage({
      language,
      address: { path: '/unsubscribe', query: { token: 't' } },
      category: { code: 'burglary', name: 'x' },
      state: 'done',
      preferencesHref: '/preferences?token=p',
    }),
    resignPage({ language, address: { path: '/resign', query: { token: 't' } }, bins: ['BIN Herdersem'], state: 'ask', preferencesHref: '/preferences?token=p' }),
    linkProblemPage(language, 'expired', '/preferences'),
    askLinkPage({ language, state: 'ask' }),
    errorPage(language, 'not_found', '/nowhere'),
  ];

  it.each(LANGUAGES)('%s: declares its language, loads only its stylesheet, runs no script, offers the other languages', (language) => {
    for (const page of pages(language)) {
      expect(page.startsWith('<!doctype html>')).toBe(true);
      expect(page).toContain(`<html lang="${language}">`);
      expect(page).toContain(`<link rel="stylesheet" href="${MEMBER_STYLESHEET_URL}">`);
      expect(page).not.toMatch(/<script|\son[a-z]+=|style=/i);
      for (const other of LANGUAGES) expect(page).toContain(`hreflang="${other}"`);
      expect(page).toContain(`<h1>`);
    }
  });

  it('the language switch keeps the token of the link', () => {
    const page = confirmEmailPage({ language: 'nl', address: { path: '/confirm-email', query: { token: 'abc.def' } }, state: 'ask' });
    expect(page).toContain('href="/confirm-email?token=abc.def&amp;lang=fr"');
    // The button posts to the same address in the same language: the token is the key.
    expect(page).toContain('<form method="post" action="/confirm-email?token=abc.def&amp;lang=nl"');
  });
});

describe('the application form', () => {
  it('reads a posted form, one BIN or several, consent only when ticked', () => {
    expect(joinFormValues({ name: 'Anna', language: 'fr', bins: 'herdersem', email: 'a@b.be', consent: 'yes' }, 'nl')).toEqual({
      name: 'Anna',
      language: 'fr',
      bins: ['herdersem'],
      email: 'a@b.be',
      mobile: '',
      phone: '',
      consent: true,
    });
    expect(joinFormValues({ bins: ['herdersem', 'moorsel'], language: 'xx' }, 'de')).toMatchObject({ bins: ['herdersem', 'moorsel'], language: 'de', consent: false });
  });

  it('shows each problem next to its field, in the page language, and in the summary that links to it', () => {
    const page = joinPage({
      language: 'de',
      bins: [{ id: 'herdersem', name: 'BIN Herdersem' }],
      problems: [
        { field: 'email', reason: 'not an e-mail address' },
        { field: 'bins', reason: 'at least one BIN' },
        { field: 'consent', reason: 'the applicant must agree to the processing of their data (true)' },
      ],
    });
    const w = MEMBER_WORDS.de;
    expect(page).toContain(`<p class="error" id="email-error">${w.reasons.notEmail}</p>`);
    expect(page).toContain('aria-describedby="email-error" aria-invalid="true"');
    expect(page).toContain(`<a href="#bin-herdersem">${w.reasons.atLeastOneBin}</a>`);
    expect(page).toContain(`<a href="#consent">${w.reasons.consent}</a>`);
  });

  it('says how long to wait when the hourly allowance is used up', () => {
    expect(MEMBER_WORDS.en.rateLimited(1)).toContain('in 1 minute.');
    expect(MEMBER_WORDS.fr.rateLimited(12)).toContain('dans 12 minutes.');
  });
});

describe('reasons', () => {
  it('turns the API reasons into the member language and keeps an unknown one as it is', () => {
    const w = MEMBER_WORDS.fr;
    expect(reasonFor(w, 'required')).toBe(w.reasons.required);
    expect(reasonFor(w, 'not a mobile number (SMS cannot reach it)')).toBe(w.reasons.notMobile);
    expect(reasonFor(w, "unknown BIN 'atlantis'")).toBe(w.reasons.unknownBin);
    expect(reasonFor(w, 'at most 120 characters')).toBe(w.reasons.tooLong);
    expect(reasonFor(w, 'a time HH:MM (00:00–23:59)')).toBe(w.reasons.clockTime);
    expect(reasonFor(w, 'wrong code')).toBe(w.application.wrongCode);
    expect(reasonFor(w, 'something new')).toBe('something new');
  });
});

describe('page language', () => {
  it('the switch first, then the member, then the browser, then the zone', () => {
    expect(pageLanguage({ picked: 'de', member: 'fr', acceptLanguage: 'en', zoneDefault: 'nl' })).toBe('de');
    expect(pageLanguage({ picked: 'xx', member: 'fr', acceptLanguage: 'en', zoneDefault: 'nl' })).toBe('fr');
    expect(pageLanguage({ member: null, acceptLanguage: 'en-GB,en;q=0.9', zoneDefault: 'nl' })).toBe('en');
    expect(pageLanguage({ acceptLanguage: 'es-ES,es', zoneDefault: 'nl' })).toBe('nl');
  });

  it('reads Accept-Language by its weights', () => {
    expect(languageFromAcceptLanguage('fr-BE,fr;q=0.9,nl;q=0.8')).toBe('fr');
    expect(languageFromAcceptLanguage('en;q=0.2, de-BE;q=0.7, es')).toBe('de');
    expect(languageFromAcceptLanguage('nl;q=0, fr;q=0.1')).toBe('fr');
    expect(languageFromAcceptLanguage('')).toBeNull();
    expect(languageFromAcceptLanguage(undefined)).toBeNull();
  });
});

describe('the preference centre', () => {
  it('reads every box the page showed as on or off, leaves mandatory categories out, and quiet hours only when ticked', () => {
    expect(preferenceFormChange({ choice: ['burglary:email', 'covid:sms'], language: 'nl', quietStart: '22:00', quietEnd: '07:00' }, CENTRE)).toEqual({
      language: 'nl',
      quietHours: null,
      choices: [
        { category: 'burglary', channel: 'sms', enabled: false },
        { category: 'burglary', channel: 'email', enabled: true },
        { category: 'covid', channel: 'sms', enabled: true },
        { category: 'covid', channel: 'email', enabled: false },
      ],
    });
    expect(preferenceFormChange({ choice: 'burglary:sms', quiet: 'on', quietStart: '23:00', quietEnd: '06:30' }, CENTRE)).toMatchObject({
      quietHours: { start: '23:00', end: '06:30' },
    });
  });

  it('says in plain words what holds from the next alert on, only on confirmed channels', () => {
    const w = MEMBER_WORDS.en;
    const centre: PreferenceCentreView = {
      ...CENTRE,
      language: 'en',
      quietHours: { start: '23:00', end: '06:30' },
      contacts: [
        { channel: 'sms', verified: false },
        { channel: 'email', verified: true },
      ],
    };
    expect(preferenceSummary(w, centre)).toEqual([
      'Missing person: by e-mail.',
      'Burglary: by e-mail.',
      'COVID-19: you do not receive these messages.',
      'Between 23:00 and 06:30 you receive urgent messages only; the others follow at 06:30.',
      'Messages come in English when the police write them in it.',
    ]);
  });

  it('shows a mandatory category as such, with why, and no box to untick', () => {
    const page = preferencesPage({ language: 'nl', address: { path: '/preferences', query: { token: 't' } }, centre: CENTRE, resignHref: '/resign?token=r' });
    expect(page).toContain(MEMBER_WORDS.nl.preferences.mandatory('Vermissing'));
    expect(page).not.toContain('value="missing_person:');
    expect(page).toContain('value="burglary:sms" checked');
    expect(page).not.toContain('value="covid:sms" checked');
    // Mandatory first, then what comes unless switched off, then what comes only when asked for.
    expect(page.indexOf('<legend>Vermissing')).toBeLessThan(page.indexOf('<legend>Inbraak'));
    expect(page.indexOf('<legend>Inbraak')).toBeLessThan(page.indexOf('<legend>COVID-19'));
  });

  it('a refused form keeps what the member ticked', () => {
    const posted = preferenceFormChange({ choice: 'covid:email', quiet: 'on', quietStart: '25:00', quietEnd: '07:00' }, CENTRE);
    const page = preferencesPage({
      language: 'en',
      address: { path: '/preferences', query: { token: 't' } },
      centre: CENTRE,
      posted,
      problems: [{ field: 'quietHours.start', reason: 'a time HH:MM (00:00–23:59)' }],
      resignHref: '/resign?token=r',
    });
    expect(page).toContain('value="covid:email" checked');
    expect(page).not.toContain('value="burglary:sms" checked');
    expect(page).toContain(`<p class="error" id="quiet-start-error">${MEMBER_WORDS.en.reasons.clockTime}</p>`);
    expect(page).toContain('value="25:00"');
  });
});

describe('links and lists', () => {
  it('builds addresses with the query values that are set', () => {
    expect(hrefOf({ path: '/p', query: { token: 'a b', lang: undefined } }, { lang: 'fr' })).toBe('/p?token=a+b&lang=fr');
    expect(hrefOf({ path: '/join' })).toBe('/join');
  });

  it('lists channels as a sentence would', () => {
    const w = MEMBER_WORDS.de;
    expect(listInWords(w, [])).toBe('nichts');
    expect(listInWords(w, ['SMS'])).toBe('SMS');
    expect(listInWords(w, ['SMS', 'E-Mail', 'Sprachanruf'])).toBe('SMS, E-Mail und Sprachanruf');
  });

  it('an expired confirmation link also points back to the application form', () => {
    const page = linkProblemPage('fr', 'expired', '/confirm-email', { applyAgain: true });
    expect(page).toContain(MEMBER_WORDS.fr.link.expiredTitle);
    expect(page).toContain(MEMBER_WORDS.fr.link.applyAgain);
    expect(page).toContain('action="/preferences/link?lang=fr"');
  });
});

describe('the phone for calls', () => {
  const address = { path: '/preferences', query: { token: 't.k' } };
  const withPhone = (verified: boolean): PreferenceCentreView => ({ ...CENTRE, contacts: [...CENTRE.contacts, { channel: 'voice', verified }] });

  it.each(LANGUAGES)('%s: the application form asks for it beside the e-mail and the mobile, and reads it back', (language) => {
    const w = MEMBER_WORDS[language];
    const page = joinPage({ language, bins: [{ id: 'herdersem', name: 'BIN Herdersem' }], problems: [{ field: 'phone', reason: 'not a phone number' }] });
    expect(page).toContain(`<label for="phone">${w.join.phone}</label>`);
    expect(page).toContain(`<p class="error" id="phone-error">${w.reasons.notPhone}</p>`);
    expect(joinFormValues({ phone: '053 72 11 11' }, language).phone).toBe('053 72 11 11');
  });

  it.each(LANGUAGES)('%s: the application page asks for the code the call said, apart from the SMS code', (language) => {
    const a = MEMBER_WORDS[language].application;
    const page = applicationPage({
      language,
      memberId: '11111111-1111-4111-8111-111111111111',
      email: 'none',
      mobile: 'done',
      phone: 'pending',
      active: false,
      phoneCodeError: a.wrongCallCode,
    });
    expect(page).toContain(a.stepPhone);
    expect(page).toContain('action="/join/11111111-1111-4111-8111-111111111111/phone-code?lang=');
    expect(page).toContain(`<label for="phone-code">${a.phoneCodeLabel}</label>`);
    expect(page).toContain(`id="phone-code-error">${a.wrongCallCode}`);
    expect(page).toContain(`>${a.recallCode}</button>`);
    expect(page).not.toContain('id="code"');
  });

  it.each(LANGUAGES)('%s: the preference centre offers to give one, and says a call is coming once given', (language) => {
    const p = MEMBER_WORDS[language].preferences;
    const none = preferencesPage({ language, address, centre: CENTRE, resignHref: '/resign' });
    expect(none).toContain(p.phoneIntro);
    expect(none).toContain(`action="/preferences/phone?token=t.k&amp;lang=${language}"`);
    expect(none).toContain(`>${p.phoneGive}</button>`);
    expect(none).not.toContain('phone-code');

    const pending = preferencesPage({ language, address, centre: withPhone(false), resignHref: '/resign', phone: { state: 'calling' } });
    expect(pending).toContain(p.phoneCalling);
    expect(pending).toContain(p.phonePending);
    expect(pending).toContain(`action="/preferences/phone/code?token=t.k&amp;lang=${language}"`);
    expect(pending).toContain(`action="/preferences/phone/recall?token=t.k&amp;lang=${language}"`);
    expect(pending).toContain(`>${p.phoneReplace}</button>`);
  });

  it.each(LANGUAGES)('%s: a confirmed phone is said so, with no code to type, and calls are a channel per category', (language) => {
    const w = MEMBER_WORDS[language];
    const page = preferencesPage({ language, address, centre: withPhone(true), resignHref: '/resign', phone: { state: 'confirmed' } });
    expect(page).toContain(w.preferences.phoneConfirmed);
    expect(page).toContain(w.preferences.phoneConfirmedNow);
    expect(page).not.toContain('phone-code');
    expect(page).toContain('value="burglary:voice"');
  });

  it('keeps a refused number as typed, with the reason next to it', () => {
    const page = preferencesPage({ language: 'nl', address, centre: CENTRE, resignHref: '/resign', phone: { posted: '12<b>', phoneError: MEMBER_WORDS.nl.reasons.notPhone } });
    expect(page).toContain('value="12&lt;b&gt;"');
    expect(page).toContain(`id="phone-error">${MEMBER_WORDS.nl.reasons.notPhone}`);
  });
});
