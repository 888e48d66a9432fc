/// <reference lib="dom" />
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CATEGORY_LABEL, EMAIL_FOOTER, EMAIL_WORDS, LANGUAGES, Language, SENDER_NAME, categoryMessages } from '@bin-alert/domain';
import { MEMBER_WORDS } from '@bin-alert/member-pages';
import { RunningStack, startStack } from '../support/running-stack';
import { ConsoleBrowser, openConsoleBrowser } from '../support/console-browser';
import { expectAccessible } from '../support/accessibility';
import { asAalstOperator } from '../support/access-tokens';
import { waitFor } from '../../bench/src/support/wait-for';
import { aMember } from '../support/member.builder';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'alert-email');

/** One reader per language, each with an inbox of their own. */
const READERS: Record<Language, string> = {
  nl: 'lotte.reader@example.be',
  fr: 'elodie.reader@example.be',
  de: 'jonas.reader@example.be',
  en: 'sam.reader@example.be',
};

/**
 * Issue 14, item 6: a member opens the burglary alert from the simulated inbox in Debian's
 * Chromium, sees it rendered (the HTML part, as a mail client shows it), follows the preference
 * centre link and the unsubscribe link in its body, each to a page in their language, unsubscribes,
 * and the next burglary alert sends them no e-mail. In each of the four languages.
 */
describe('the alert e-mail, read in a browser', () => {
  let stack: RunningStack;
  let browser: ConsoleBrowser;
  const members: Partial<Record<Language, string>> = {};

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startStack({ DISPATCH_DEFERRED_POLL_MS: '200' });
    for (const language of LANGUAGES)
      members[language] = await aMember(`Reader ${language}`).speaking(language).inBins('herdersem').withEmail(READERS[language]).save(stack.members);
    browser = await openConsoleBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const issueBurglaryAlert = async (title: string) => {
    const texts = Object.fromEntries(
      LANGUAGES.map((l) => [
        l,
        { title: `${title} (${l})`, body: `Twee inbraken in de Kerkstraat <b>vannacht</b> & één poging.\nSluit ramen en deuren (${l}).\n\nMeld verdachte zaken via 101.` },
      ]),
    );
    const res = await fetch(`${stack.intakeUrl}/v1/alerts`, {
      method: 'POST',
      headers: { ...asAalstOperator(), 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'burglary', urgency: 'normal', bins: ['herdersem'], redistributionAllowed: false, texts }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  const emailDeliveries = async (alertId: string) =>
    (await stack.db.query(`SELECT member_id, status, reason FROM deliveries WHERE alert_id = $1 AND channel = 'email'`, [alertId])) as Array<{
      member_id: string;
      status: string;
      reason: string | null;
    }>;

  const look = async (page: Page, name: string, audit = true) => {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    if (audit) await expectAccessible(page, name);
  };

  /** The inbox on the simulated phones page, then the newest e-mail about `title` opened whole. */
  const openEmail = async (page: Page, to: string, title: string) => {
    await page.goto(`${stack.sim.url}/__sim/phones`);
    await page.getByLabel('filter by number or address').fill(to);
    const inbox = page.locator(`section.device[data-to="${to}"]`);
    await waitFor(
      async () => (await inbox.count()) > 0 && (await inbox.innerText()).includes(title),
      (found) => found,
      { what: `the e-mail "${title}" in ${to}`, timeoutMs: 30_000, intervalMs: 500 },
    );
    await inbox.locator('.msg').filter({ hasText: title }).first().getByRole('link', { name: 'open the e-mail' }).click();
    await page.waitForURL(/\/__sim\/phones\/email\//);
  };

  describe.each(LANGUAGES)('in %s', (language) => {
    const w = MEMBER_WORDS[language];
    const footer = EMAIL_FOOTER[language];
    const unsubscribeSentence = footer.unsubscribe(categoryMessages('burglary', language));
    let page: Page;
    let alertId: string;

    beforeAll(async () => {
      page = await browser.context.newPage();
      await page.setViewportSize({ width: 700, height: 900 });
      alertId = language === 'nl' ? await issueBurglaryAlert('Inbraken Kerkstraat') : (await stack.db.query(`SELECT id FROM alerts ORDER BY issued_at LIMIT 1`))[0].id;
    });
    afterAll(() => page?.close());

    it('opens the alert from the inbox and sees it rendered: category, urgency, title, text escaped as written, sender and both links', async () => {
      await openEmail(page, READERS[language], `Inbraken Kerkstraat (${language})`);
      expect(await page.locator('html').getAttribute('lang')).toBe(language);
      expect(await page.locator('h1').innerText()).toBe(`Inbraken Kerkstraat (${language})`);
      const seen = await page.locator('body').innerText();
      for (const words of [
        SENDER_NAME[language],
        CATEGORY_LABEL.burglary[language],
        EMAIL_WORDS[language].urgency.normal,
        'Twee inbraken in de Kerkstraat <b>vannacht</b> & één poging.',
      ])
        expect(seen).toContain(words);
      // The operator's markup is text, not markup: nothing bold came of it.
      expect(await page.locator('b').count()).toBe(0);
      // Laid out within 600 px, as on a phone's or a desktop's mail client.
      expect((await page.locator('table[width="600"]').boundingBox())!.width).toBeLessThanOrEqual(600);
      expect(await page.getByRole('link', { name: footer.preferences }).getAttribute('href')).toMatch(new RegExp(`^${stack.intakeUrl}/preferences\\?token=`));
      expect(await page.getByRole('link', { name: unsubscribeSentence }).getAttribute('href')).toMatch(new RegExp(`^${stack.intakeUrl}/unsubscribe\\?token=`));
      await look(page, `${language}-01-email`);
    });

    it('follows the preference-centre link in the body to their preference centre, in their language', async () => {
      await page.getByRole('link', { name: footer.preferences }).click();
      await page.waitForURL((url) => url.pathname === '/preferences');
      expect(await page.locator('h1').innerText()).toBe(w.preferences.title);
      expect(await page.locator('html').getAttribute('lang')).toBe(language);
      const burglary = page.getByRole('group', { name: w.categories.burglary.label });
      expect(await burglary.getByLabel(w.channel.email, { exact: true }).isChecked()).toBe(true);
      await look(page, `${language}-02-preferences`);
    });

    it('follows the unsubscribe link in the body, confirms, and is told it is done, in their language', async () => {
      await openEmail(page, READERS[language], `Inbraken Kerkstraat (${language})`);
      await page.getByRole('link', { name: unsubscribeSentence }).click();
      await page.waitForURL((url) => url.pathname === '/unsubscribe');
      expect(await page.locator('h1').innerText()).toBe(w.unsubscribe.title(w.categories.burglary.name));
      await look(page, `${language}-03-unsubscribe`);
      await page.getByRole('button', { name: w.unsubscribe.button }).click();
      expect(await page.getByRole('status').innerText()).toContain(w.unsubscribe.done(w.categories.burglary.name));
      await look(page, `${language}-04-unsubscribed`);
      expect((await emailDeliveries(alertId)).find((d) => d.member_id === members[language])?.status).not.toBe('suppressed');
    });
  });

  it('sends none of the four an e-mail about the next burglary: each left burglaries on e-mail', async () => {
    const next = await issueBurglaryAlert('Nieuwe inbraak');
    const rows = await waitFor(
      () => emailDeliveries(next),
      (found) => LANGUAGES.every((l) => found.some((d) => d.member_id === members[l])),
      { what: 'the next alert planned for the four readers', timeoutMs: 30_000, intervalMs: 250 },
    );
    for (const language of LANGUAGES) expect(rows.find((d) => d.member_id === members[language])).toMatchObject({ status: 'suppressed', reason: 'opted_out' });
    const inboxes = await Promise.all(
      LANGUAGES.map(
        async (l) => ((await (await fetch(`${stack.sim.url}/__sim/inbox?to=${encodeURIComponent(READERS[l])}`)).json()) as { messages: Array<{ subject?: string }> }).messages,
      ),
    );
    expect(inboxes.flat().filter((m) => m.subject?.includes('Nieuwe inbraak'))).toEqual([]);
  });
});
