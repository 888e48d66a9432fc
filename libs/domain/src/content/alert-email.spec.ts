import { LANGUAGES } from '../vocabulary';
import { CATEGORY_LABEL, EMAIL_WORDS, renderEmail } from './alert-email';
import { AlertContent, EMAIL_FOOTER, SENDER_NAME, categoryMessages } from './alert-message';

/** What a reader sees of the HTML part: tags dropped, entities read, blank space folded. */
function visibleText(html: string): string {
  return html
    .replace(/<title>[\s\S]*?<\/title>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)> "quoted" & \'single\'';

const burglary: AlertContent = {
  alertId: 'a-3',
  urgency: 'normal',
  redistributionAllowed: false,
  category: 'burglary',
  categoryRule: 'opt_out',
  texts: {
    nl: { title: 'Inbraken in Moorsel', body: 'Sluit ramen en deuren.\nOok overdag.\n\nMeld verdachte zaken.' },
    fr: { title: 'Cambriolages à Moorsel', body: 'Fermez portes et fenêtres.' },
    de: { title: 'Einbrüche in Moorsel', body: 'Schließen Sie Türen und Fenster.' },
    en: { title: 'Burglaries in Moorsel', body: 'Lock doors and windows.' },
  },
};
const links = { preferences: 'https://bin.example/preferences?token=p.1', unsubscribe: 'https://bin.example/unsubscribe?token=u.1' };

describe('the alert e-mail template', () => {
  it('is a table of inline styles at most 600 px wide, with no script, stylesheet, form or remote resource', () => {
    const { html } = renderEmail({ ...burglary, texts: { nl: { title: hostile, body: hostile, instruction: hostile, contact: hostile } } }, 'nl', links);
    expect(html.startsWith('<!doctype html>\n<html lang="nl">')).toBe(true);
    expect(html).toContain('<table role="presentation" width="600"');
    expect(html).toContain('max-width:600px;');
    expect(html).toMatch(/font-family:Arial,Helvetica,sans-serif;/);
    const tags = html.match(/<[^>]+>/g)!;
    const allowed = ['!doctype', 'html', 'head', 'meta', 'title', 'body', 'table', 'tr', 'td', 'span', 'h1', 'p', 'br', 'div', 'a'];
    expect([...new Set(tags.map((t) => /^<\/?([a-z0-9!]+)/i.exec(t)![1].toLowerCase()))].filter((tag) => !allowed.includes(tag))).toEqual([]);
    expect(tags.filter((t) => /\s(on[a-z]+|src|class)=/i.test(t))).toEqual([]);
    // The only URLs are the member's links.
    expect([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual([links.preferences, links.unsubscribe]);
  });

  it('escapes the operator’s title, body, instruction and contact wherever they land, and the reader still sees them as written', () => {
    const email = renderEmail({ ...burglary, texts: { en: { title: hostile, body: hostile, instruction: hostile, contact: hostile } } }, 'en', links);
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &quot;quoted&quot; &amp; &apos;single&apos;');
    expect(email.html).toContain(
      `<title>Burglaries</title>`.replace('Burglaries', '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &quot;quoted&quot; &amp; &apos;single&apos;'),
    );
    expect(visibleText(email.html).split(hostile)).toHaveLength(5);
    expect(email.text.split(hostile)).toHaveLength(5);
  });

  it('keeps the body’s paragraphs and line breaks in both parts', () => {
    const email = renderEmail(burglary, 'nl', links);
    expect(email.html).toMatch(/<p style="[^"]*">Sluit ramen en deuren\.<br>Ook overdag\.<\/p>\n<p style="[^"]*">Meld verdachte zaken\.<\/p>/);
    expect(email.text).toContain('Sluit ramen en deuren.\nOok overdag.\n\nMeld verdachte zaken.');
  });

  it.each(LANGUAGES)('in %s: category, urgency, title, text, redistribution, sender and both links, in the plain part and in the HTML', (language) => {
    const email = renderEmail(burglary, language, links);
    const words = EMAIL_WORDS[language];
    const visible = visibleText(email.html);
    const footer = EMAIL_FOOTER[language];
    const unsubscribe = footer.unsubscribe(categoryMessages('burglary', language));
    expect(email.language).toBe(language);
    expect(email.html).toContain(`<html lang="${language}">`);
    for (const part of [visible, email.text]) {
      expect(part).toContain(`${CATEGORY_LABEL.burglary[language]}`);
      expect(part).toContain(words.urgency.normal);
      expect(part).toContain(burglary.texts[language]!.title);
      expect(part).toContain(SENDER_NAME[language]);
      expect(part).toContain(footer.preferences);
      expect(part).toContain(unsubscribe);
    }
    expect(email.text).toContain(`${footer.preferences}${footer.colon} ${links.preferences}`);
    expect(email.text).toContain(`${unsubscribe}${footer.colon} ${links.unsubscribe}`);
    expect(email.html).toContain(`<a href="${links.preferences}" style="color:#1a56a8;text-decoration:underline;">${footer.preferences}</a>`);
    expect(email.html).toContain(`<a href="${links.unsubscribe}" style="color:#1a56a8;text-decoration:underline;">${unsubscribe}</a>`);
    // The order a reader meets: what kind of message, the title, the text, then the footer.
    const order = [CATEGORY_LABEL.burglary[language], burglary.texts[language]!.title, burglary.texts[language]!.body.split('\n')[0], footer.preferences].map((s) =>
      visible.indexOf(s),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order[0]).toBeGreaterThan(-1);
  });

  it('has every word of its own in the four languages', () => {
    for (const language of LANGUAGES) {
      const w = EMAIL_WORDS[language];
      for (const word of [w.urgency.urgent, w.urgency.normal, w.instruction]) expect(word.trim()).not.toBe('');
      for (const category of Object.keys(CATEGORY_LABEL)) expect(CATEGORY_LABEL[category][language].trim()).not.toBe('');
    }
  });

  it('shows an urgent alert as urgent, and a category it does not know by its code', () => {
    const email = renderEmail({ ...burglary, urgency: 'urgent', category: 'road_works' }, 'fr', links);
    expect(email.html).toMatch(/<span style="[^"]*background-color:#b00020;color:#ffffff;">Urgent<\/span>/);
    expect(email.html).toMatch(/<span style="[^"]*">road_works<\/span>/);
    expect(email.subject).toBe('[URGENT] Cambriolages à Moorsel');
  });

  it('renders the optional instruction and contact lines under their headings when the alert has them, and nothing when not', () => {
    const withLines = renderEmail(
      { ...burglary, texts: { de: { ...burglary.texts.de!, instruction: 'Bleiben Sie zu Hause.', contact: 'Polizei Aalst, 053 72 30 00' } } },
      'de',
      links,
    );
    expect(withLines.text).toContain('Was ist zu tun?\nBleiben Sie zu Hause.\n\nKontakt: Polizei Aalst, 053 72 30 00');
    expect(visibleText(withLines.html)).toContain('Was ist zu tun? Bleiben Sie zu Hause. Kontakt Polizei Aalst, 053 72 30 00');
    const without = renderEmail(burglary, 'de', links);
    expect(`${without.text}${without.html}`).not.toContain('Was ist zu tun?');
    expect(`${without.text}${without.html}`).not.toContain('Kontakt');
  });
});
