/// <reference lib="dom" />
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Language } from '@bin-alert/domain';
import { MEMBER_WORDS, MemberWords, languageName } from '@bin-alert/member-pages';
import { RunningStack, startStack } from '../support/running-stack';
import { ConsoleBrowser, openConsoleBrowser } from '../support/console-browser';
import { expectAccessible } from '../support/accessibility';
import { asAalstOperator, bearer } from '../support/access-tokens';
import { waitFor } from '../../bench/src/support/wait-for';
import { aMember } from '../support/member.builder';
import { openSimulatedDevice } from '../support/simulated-device';

const NEIGHBOUR_MOBILE = '+32470559999';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'member-pages');

/** One resident per language: their own address and number, so that every inbox and phone is theirs alone. */
const RESIDENTS: Record<Language, { name: string; email: string; typedMobile: string; mobile: string }> = {
  nl: { name: 'Lotte Van Damme', email: 'lotte.resident@example.be', typedMobile: '0470 55 00 01', mobile: '+32470550001' },
  fr: { name: 'Élodie Lambert', email: 'elodie.resident@example.be', typedMobile: '0470 55 00 02', mobile: '+32470550002' },
  de: { name: 'Jonas Schröder', email: 'jonas.resident@example.be', typedMobile: '0470 55 00 03', mobile: '+32470550003' },
  en: { name: 'Sam Taylor', email: 'sam.resident@example.be', typedMobile: '0470 55 00 04', mobile: '+32470550004' },
};

/**
 * Issue 9: a resident's whole path through the pages, in Debian's Chromium, with nothing but the
 * browser, the simulated inbox and the simulated phone: join, confirm the e-mail from the inbox,
 * type the code from the phone, (the board approves), open the preference link from the inbox,
 * switch SMS off for burglaries and see the next burglary alert arrive by e-mail only, answer the
 * COVID invitation and receive the next COVID message, unsubscribe from the e-mail's own link,
 * resign. Once in each language. Every page is screenshotted and audited with axe-core.
 */
describe('member pages in a browser, as a resident', () => {
  let stack: RunningStack;
  let browser: ConsoleBrowser;
  /** Script errors and CSP violations the browser reported: the pages have no script, so none. */
  const browserErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startStack({ APPLICATIONS_PER_IP_PER_HOUR: '8', DISPATCH_DEFERRED_POLL_MS: '200' });
    // A neighbour who takes everything by SMS: once the burglary alert reached their phone, the SMS
    // dispatcher has planned the alert for the whole BIN, so a resident's missing SMS is a choice, not a delay.
    await aMember('Noor').inBins('herdersem').withMobile(NEIGHBOUR_MOBILE).save(stack.members);
    browser = await openConsoleBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const newPage = async (): Promise<Page> => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 400, height: 860 });
    // A page's own status is asserted where it matters (403 for a refused link…); what must never
    // fail is what a page loads (its stylesheet), and no script may run or be blocked.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) browserErrors.push(`${page.url()}: ${message.text()}`);
    });
    page.on('response', (response) => {
      const subresource = response.request().resourceType() !== 'document' && !response.url().endsWith('/favicon.ico');
      if (subresource && response.status() >= 400) browserErrors.push(`${response.url()}: ${response.status()}`);
    });
    page.on('pageerror', (error) => browserErrors.push(error.message));
    return page;
  };

  /** Looked at and audited: a screenshot for the people reviewing, axe-core for WCAG 2.1 AA. */
  const look = async (page: Page, language: Language, name: string) => {
    await page.screenshot({ path: join(ARTIFACTS, `${language}-${name}.png`), fullPage: true });
    await expectAccessible(page, `${language} ${name}`);
  };

  const heading = (page: Page) => page.locator('h1').innerText();

  /** The simulated phones page, narrowed to one inbox or phone as a person would, by typing its address. */
  const openDevice = (page: Page, to: string, waitForText: RegExp) => openSimulatedDevice(page, stack.sim.url, to, waitForText);

  /** Clicks the newest link in an inbox whose address starts with intake's page path. */
  const clickLinkInInbox = async (page: Page, to: string, path: string) => {
    const device = await openDevice(page, to, new RegExp(`${path.replace('/', '\\/')}\\?token=`));
    const link = device.locator(`a[href^="${stack.intakeUrl}${path}?token="]`).first();
    await link.click();
    await page.waitForURL((url) => url.pathname === path);
  };

  const deliveriesOf = async (alertId: string, email: string) =>
    (await stack.db.query(
      `SELECT d.channel, d.status, d.reason FROM deliveries d JOIN contact_points cp ON cp.member_id = d.member_id AND cp.kind = 'email'
        WHERE d.alert_id = $1 AND cp.value = $2 ORDER BY d.channel`,
      [alertId, email],
    )) as Array<{ channel: string; status: string; reason: string | null }>;

  const issueAlert = async (category: string, title: string) => {
    const texts = Object.fromEntries((['nl', 'fr', 'de', 'en'] as const).map((l) => [l, { title: `${title} (${l})`, body: `${title}: ${l} text for the members.` }]));
    const res = await fetch(`${stack.intakeUrl}/v1/alerts`, {
      method: 'POST',
      headers: { ...asAalstOperator(), 'content-type': 'application/json' },
      body: JSON.stringify({ category, urgency: 'normal', bins: ['herdersem'], redistributionAllowed: true, texts }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  const staff = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${stack.intakeUrl}${path}`, {
      method,
      headers: { authorization: token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status).toBeLessThan(300);
  };

  const burglaryLabel = (w: MemberWords) => w.categories.burglary.label;

  describe.each(['nl', 'fr', 'de', 'en'] as const)('in %s', (language) => {
    const w = MEMBER_WORDS[language];
    const resident = RESIDENTS[language];
    let page: Page;
    let memberId: string;

    beforeAll(async () => {
      page = await newPage();
    });
    afterAll(async () => {
      await page?.close();
    });

    it('joins through the public form, chosen in their language with the switch, errors shown next to their fields', async () => {
      await page.goto(`${stack.intakeUrl}/join`);
      // The browser asks for English; the person picks their own language on the page.
      await page
        .getByRole('navigation')
        .getByRole('link', { name: languageName(language), exact: true })
        .click();
      await page.waitForURL((url) => url.searchParams.get('lang') === language);
      expect(await heading(page)).toBe(w.join.title);
      await look(page, language, '01-join');

      await page.getByLabel(w.join.name, { exact: true }).fill(resident.name);
      await page.getByLabel(w.join.language, { exact: true }).selectOption(language);
      await page.getByLabel('BIN Herdersem', { exact: true }).check();
      await page.getByLabel(w.join.email, { exact: true }).fill('not-an-address');
      await page.getByLabel(w.join.mobile, { exact: true }).fill(resident.typedMobile);
      await page.getByRole('button', { name: w.join.submit }).click();
      // Refused: the form comes back as typed, each reason next to its field and in the summary.
      await page.locator('#email-error').waitFor();
      expect(await page.locator('#email-error').innerText()).toBe(w.reasons.notEmail);
      expect(await page.locator('#consent-error').innerText()).toBe(w.reasons.consent);
      expect(await page.getByLabel(w.join.name, { exact: true }).inputValue()).toBe(resident.name);
      expect(await page.getByRole('alert').innerText()).toContain(w.errorSummary);
      await look(page, language, '02-join-errors');

      await page.getByLabel(w.join.email, { exact: true }).fill(resident.email);
      await page.locator('#consent').check();
      await page.getByRole('button', { name: w.join.submit }).click();
      await page.waitForURL(/\/join\/[0-9a-f-]{36}\/code/);
      memberId = /\/join\/([0-9a-f-]{36})\/code/.exec(page.url())![1];
      expect(await heading(page)).toBe(w.application.title);
      await look(page, language, '03-application');
    });

    it('confirms the e-mail address from the link in the simulated inbox', async () => {
      const inbox = await newPage();
      await clickLinkInInbox(inbox, resident.email, '/confirm-email');
      expect(await heading(inbox)).toBe(w.confirmEmail.title);
      await look(inbox, language, '04-confirm-email');
      await inbox.getByRole('button', { name: w.confirmEmail.button }).click();
      await inbox.waitForURL(/done=email/);
      expect(await inbox.getByRole('status').innerText()).toContain(w.application.stepEmailDone);
      await inbox.close();
    });

    it('types the code from the simulated phone, after a wrong one', async () => {
      await page.getByLabel(w.application.codeLabel).fill('000000');
      await page.getByRole('button', { name: w.application.confirmCode }).click();
      await page.locator('#code-error').waitFor();
      expect(await page.locator('#code-error').innerText()).toBe(w.application.wrongCode);

      const phone = await newPage();
      const device = await openDevice(phone, resident.mobile, /\d{6}/);
      await phone.screenshot({ path: join(ARTIFACTS, `${language}-05-phone-code.png`), fullPage: true });
      const code = /\b(\d{6})\b/.exec(await device.locator('.msg .body').first().innerText())![1];
      await phone.close();

      await page.getByLabel(w.application.codeLabel).fill(code);
      await page.getByRole('button', { name: w.application.confirmCode }).click();
      await page.waitForURL(/done=mobile/);
      expect(await page.getByRole('status').innerText()).toContain(w.application.codeConfirmed);
      await look(page, language, '06-code-confirmed');
    });

    it('is approved by the board of Herdersem, then asks for the preference link and opens it from the inbox', async () => {
      await staff('POST', `/v1/bins/herdersem/members/${memberId}/decision`, bearer({ accountId: 'board-herdersem', role: 'board', binIds: ['herdersem'] }), {
        decision: 'approve',
      });
      await page.reload();
      expect(await page.locator('.steps').innerText()).toContain(w.application.active);

      await page.goto(`${stack.intakeUrl}/join?lang=${language}`);
      await page.getByRole('link', { name: w.join.askLink }).click();
      await page.getByLabel(w.link.email).fill(resident.email);
      await page.getByRole('button', { name: w.link.send }).click();
      expect(await page.getByRole('status').innerText()).toContain(w.link.sent);

      await clickLinkInInbox(page, resident.email, '/preferences');
      expect(await heading(page)).toBe(w.preferences.title);
      await look(page, language, '07-preferences');
    });

    it('switches SMS off for burglaries; the next burglary alert reaches them by e-mail only', async () => {
      const burglary = page.getByRole('group', { name: burglaryLabel(w) });
      await burglary.getByLabel(w.channel.sms, { exact: true }).uncheck();
      await page.getByRole('button', { name: w.preferences.save }).click();
      await page.waitForURL(/saved=1/);
      const saved = await page.getByRole('status').innerText();
      expect(saved).toContain(w.preferences.saved);
      expect(saved).toContain(w.preferences.receivesOn(burglaryLabel(w), w.channel.email));
      await look(page, language, '08-preferences-saved');

      const alertId = await issueAlert('burglary', `Inbraakgolf ${language}`);
      const final = await waitFor(
        () => deliveriesOf(alertId, resident.email),
        (rows) => rows.some((r) => r.channel === 'email' && r.status === 'delivered'),
        { what: 'the burglary e-mail delivered', timeoutMs: 30_000, intervalMs: 250 },
      );
      const inbox = await newPage();
      await openDevice(inbox, resident.email, new RegExp(`Inbraakgolf ${language}`));
      await openDevice(inbox, NEIGHBOUR_MOBILE, new RegExp(`Inbraakgolf ${language}`));
      await inbox.close();
      expect((await deliveriesOf(alertId, resident.email)).filter((r) => r.channel === 'sms' && r.status !== 'suppressed')).toEqual([]);
      expect(final.some((r) => r.channel === 'email')).toBe(true);
      const sms = (await (await fetch(`${stack.sim.url}/__sim/inbox?to=${encodeURIComponent(resident.mobile)}`)).json()) as { messages: Array<{ body?: string }> };
      expect(sms.messages.filter((m) => m.body?.includes('Inbraakgolf'))).toEqual([]);
    });

    it('answers the COVID invitation from the inbox with one button; the next COVID message arrives', async () => {
      // The boards' vote, as a supervisor records it: COVID messages only for those who ask.
      const supervisor = bearer({ role: 'supervisor' });
      await staff('PUT', '/v1/categories/covid/rule', supervisor, { rule: 'opt_out' });
      await staff('PUT', '/v1/categories/covid/rule', supervisor, { rule: 'opt_in' });

      await clickLinkInInbox(page, resident.email, '/subscribe');
      expect(await heading(page)).toBe(w.subscribe.title(w.categories.covid.name));
      await look(page, language, '09-invitation');
      await page.getByRole('button', { name: w.subscribe.button }).click();
      expect(await page.getByRole('status').innerText()).toContain(w.subscribe.done(w.categories.covid.name, `${w.channel.sms} ${w.and} ${w.channel.email}`));
      await look(page, language, '10-subscribed');

      const alertId = await issueAlert('covid', `Vaccinatiedag ${language}`);
      await waitFor(
        () => deliveriesOf(alertId, resident.email),
        (rows) => ['sms', 'email'].every((channel) => rows.some((r) => r.channel === channel && r.status === 'delivered')),
        { what: 'the COVID message delivered by SMS and e-mail', timeoutMs: 30_000, intervalMs: 250 },
      );
    });

    it('unsubscribes from COVID e-mails by the link in the e-mail body, with the way back', async () => {
      await clickLinkInInbox(page, resident.email, '/unsubscribe');
      expect(await heading(page)).toBe(w.unsubscribe.title(w.categories.covid.name));
      await look(page, language, '11-unsubscribe');
      await page.getByRole('button', { name: w.unsubscribe.button }).click();
      expect(await page.getByRole('status').innerText()).toContain(w.unsubscribe.done(w.categories.covid.name));
      await look(page, language, '12-unsubscribed');
      await page.getByRole('link', { name: w.unsubscribe.undo }).click();
      const covid = page.getByRole('group', { name: w.categories.covid.label });
      expect(await covid.getByLabel(w.channel.email, { exact: true }).isChecked()).toBe(false);
      expect(await covid.getByLabel(w.channel.sms, { exact: true }).isChecked()).toBe(true);
    });

    it('resigns from the preference centre; the old link then says the membership is gone', async () => {
      const preferencesUrl = page.url();
      await page.getByRole('link', { name: w.preferences.leave }).click();
      expect(await heading(page)).toBe(w.resign.title);
      await look(page, language, '13-resign');
      await page.getByRole('button', { name: w.resign.button }).click();
      const said = await page.getByRole('status').innerText();
      expect(said).toContain(w.resign.done('BIN Herdersem'));
      expect(said).toContain(w.resign.erased);
      await look(page, language, '14-resigned');

      const response = await page.goto(preferencesUrl);
      expect(response?.status()).toBe(404);
      expect(await heading(page)).toBe(w.link.goneTitle);
    });
  });

  it('a tampered link and an expired one each get a page that says so and offers a new link', async () => {
    const page = await newPage();
    const tampered = await page.goto(`${stack.intakeUrl}/preferences?token=cC5hYmMuLi4ueHl6.forged&lang=fr`);
    expect(tampered?.status()).toBe(403);
    expect(await heading(page)).toBe(MEMBER_WORDS.fr.link.invalidTitle);
    await look(page, 'fr', '15-link-invalid');
    expect(await page.getByRole('button', { name: MEMBER_WORDS.fr.link.send }).isVisible()).toBe(true);

    // A link of a member still there, opened 31 days after it was sent.
    const [{ id }] = (await stack.db.query(`SELECT m.id FROM members m WHERE m.erased_at IS NULL LIMIT 1`)) as Array<{ id: string }>;
    const { LinkSigner } = await import('@bin-alert/domain');
    const { memberLinkSecretFrom } = await import('@bin-alert/platform');
    const token = new LinkSigner(memberLinkSecretFrom(stack.config)).sign({ purpose: 'preferences', memberId: id }, new Date());
    stack.clock.set(new Date(Date.now() + 31 * 86_400_000));
    try {
      const expired = await page.goto(`${stack.intakeUrl}/preferences?token=${encodeURIComponent(token)}&lang=de`);
      expect(expired?.status()).toBe(403);
      expect(await heading(page)).toBe(MEMBER_WORDS.de.link.expiredTitle);
      await look(page, 'de', '16-link-expired');
    } finally {
      stack.clock.reset();
    }
    await page.close();
  });

  it('every page a signed link opens, shown or posted to, says a forged link and a membership gone the same way', async () => {
    const { LinkSigner } = await import('@bin-alert/domain');
    const { memberLinkSecretFrom } = await import('@bin-alert/platform');
    const signer = new LinkSigner(memberLinkSecretFrom(stack.config));
    const nobody = '00000000-0000-4000-8000-000000000000';
    const pages = [
      ['GET', '/preferences', 'preferences'],
      ['POST', '/preferences', 'preferences'],
      ['POST', '/preferences/phone', 'preferences'],
      ['POST', '/preferences/phone/code', 'preferences'],
      ['POST', '/preferences/phone/recall', 'preferences'],
      ['GET', '/resign', 'resign'],
      ['POST', '/resign', 'resign'],
      ['GET', '/subscribe', 'subscribe'],
      ['POST', '/subscribe', 'subscribe'],
      ['GET', '/unsubscribe', 'unsubscribe'],
      ['POST', '/unsubscribe', 'unsubscribe'],
    ] as const;
    const answerOf = async (method: string, path: string, token: string) => {
      const res = await fetch(`${stack.intakeUrl}${path}?token=${encodeURIComponent(token)}&lang=fr`, {
        method,
        ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'code=123456&phone=053721111' } : {}),
      });
      return { method, path, status: res.status, language: res.headers.get('content-language'), title: /<h1>([^<]*)<\/h1>/.exec(await res.text())?.[1] };
    };
    for (const [method, path, purpose] of pages) {
      expect(await answerOf(method, path, 'cC5hYmMuLi4ueHl6.forged')).toEqual({ method, path, status: 403, language: 'fr', title: MEMBER_WORDS.fr.link.invalidTitle });
      const gone = signer.sign({ purpose, memberId: nobody, ...(purpose === 'subscribe' || purpose === 'unsubscribe' ? { category: 'covid' } : {}) }, new Date());
      expect(await answerOf(method, path, gone)).toEqual({ method, path, status: 404, language: 'fr', title: MEMBER_WORDS.fr.link.goneTitle });
    }
  });

  it('explains a rate limit instead of a bare 429', async () => {
    const page = await newPage();
    await page.goto(`${stack.intakeUrl}/preferences/link?lang=nl`);
    let status = 200;
    for (let i = 0; i < 12 && status !== 429; i++) {
      await page.getByLabel(MEMBER_WORDS.nl.link.email).fill('nobody@example.be');
      const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: MEMBER_WORDS.nl.link.send }).click()]);
      status = response.status();
      if (status !== 429) await page.goto(`${stack.intakeUrl}/preferences/link?lang=nl`);
    }
    expect(status).toBe(429);
    expect(await page.getByRole('alert').innerText()).toMatch(/Probeer het over \d+ minuten? opnieuw/);
    await look(page, 'nl', '17-rate-limited');
    await page.close();
  });

  it('showed no script error and no Content-Security-Policy violation on any page', () => {
    expect(browserErrors).toEqual([]);
  });
});
