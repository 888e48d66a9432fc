/// <reference lib="dom" />
// The page.evaluate and waitForFunction callbacks run in the browser, hence the DOM types.
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { aMember } from '../support/member.builder';
import { RunningStack, startStack } from '../support/running-stack';
import { randomUUID } from 'node:crypto';
import { StaffAccountRepository } from '@bin-alert/persistence';
import { hashPassword } from '@bin-alert/platform';
import { ConsoleBrowser, openConsoleBrowser } from '../support/console-browser';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildConsole } = require('../../scripts/build-console.js') as { buildConsole(options?: { typecheck?: boolean }): Promise<unknown> };

const PASSWORD = 'correct horse battery staple';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'console');

/**
 * The operator console in Debian's Chromium against the real stack: sign in, compose an urgent
 * alert to two BINs, send it live, and watch its dashboard reach the expected counts through the
 * live feed, without reloading. Screenshots land in test-artifacts/console.
 */
describe('operator console in a browser', () => {
  let stack: RunningStack;
  let browser: ConsoleBrowser;
  let page: Page;
  /** What the browser reported as errors: a Content-Security-Policy violation would show here. */
  const browserErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await buildConsole({ typecheck: false });
    stack = await startStack();
    await aMember('Anna').speaking('nl').inBins('herdersem').withMobile('+32470000101').withEmail('anna@example.be').save(stack.members);
    await aMember('Bruno').speaking('fr').inBins('moorsel').withMobile('+32470000102').withEmail('bruno@example.be').withPhone('+3253710102').save(stack.members);
    await aMember('Chris').speaking('nl').inBins('herdersem', 'moorsel').withMobile('+32470000103').withEmail('chris@example.be').save(stack.members);
    await aMember('Dina').speaking('nl').inBins('herdersem').withMobile('+32470000104', false).withEmail('dina@example.be').save(stack.members);
    await aMember('Emiel').speaking('nl').inBins('mijlbeek').withMobile('+32470000105').withEmail('emiel@example.be').save(stack.members);
    const accounts = new StaffAccountRepository(stack.db);
    for (const [username, role] of [['operator.aalst', 'operator'], ['supervisor.aalst', 'supervisor']] as const) {
      const id = randomUUID();
      await accounts.create(
        { id, username, displayName: username, passwordHash: await hashPassword(PASSWORD), role, policeZone: 'aalst', binIds: [] },
        { actor: null, action: 'account.created', target: { type: 'account', id } },
      );
    }
    browser = await openConsoleBrowser();
    page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') browserErrors.push(message.text());
    });
    page.on('pageerror', (error) => browserErrors.push(error.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** Signs in through the console's own form, as a person would; waits until the console says who is signed in. */
  async function signIn(username: string, password = PASSWORD, expectSuccess = true) {
    await page.goto(`${stack.intakeUrl}/#/sign-in`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    if (expectSuccess) await page.locator('.who').filter({ hasText: username }).waitFor();
  }

  it('serves the console with a strict Content-Security-Policy and cacheable assets', async () => {
    const response = await page.goto(`${stack.intakeUrl}/`);
    expect(response?.status()).toBe(200);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['cache-control']).toBe('no-cache');
    const script = await page.locator('script[type=module]').getAttribute('src');
    const asset = await fetch(`${stack.intakeUrl}${script}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('asks to sign in, refuses a wrong password, and lets the operator in with the right one', async () => {
    await signIn('operator.aalst', 'not-the-password', false);
    await page.getByRole('alert').filter({ hasText: 'Username or password not accepted.' }).waitFor();
    await shot('01-sign-in');
    await signIn('operator.aalst');
    await page.goto(`${stack.intakeUrl}/#/alerts`);
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
  });

  it('composes an urgent alert, checks it in test mode without sending, then sends it live to two BINs', async () => {
    await page.goto(`${stack.intakeUrl}/#/compose`);
    await page.getByLabel('Herdersem').check();
    await page.getByLabel('Moorsel').check();
    await page.getByLabel('Category').selectOption('missing_person');
    // The category's default urgency is picked for the operator.
    expect(await page.getByLabel('Urgent', { exact: false }).first().isChecked()).toBe(true);
    await page.locator('#title-nl').fill('Vermiste jongen Lucas (8)');
    await page.locator('#body-nl').fill('Lucas draagt een rode jas en een blauwe rugzak. Gezien? Bel 101.');
    await page.locator('#title-fr').fill('Garçon disparu Lucas (8 ans)');
    await page.locator('#body-fr').fill('Lucas porte une veste rouge. Vu? Appelez le 101.');
    // The SMS counter is the domain's: GSM-7 for Dutch, and a warning for the French "ç".
    await page.getByTestId('sms-nl').filter({ hasText: /SMS: 1 segment\(s\), GSM-7/ }).waitFor();
    await page.getByTestId('sms-fr').filter({ hasText: 'UCS-2' }).waitFor();
    // The voice script follows the language being written.
    await page.getByTestId('voice-script').filter({ hasText: 'Message BIN de la police. Garçon disparu Lucas (8 ans).' }).waitFor();
    await page.locator('#body-nl').focus();
    await page.getByTestId('voice-script').filter({ hasText: 'BIN-bericht van de politie. Vermiste jongen Lucas (8).' }).waitFor();

    // Test mode (the default): checked and previewed, nothing sent.
    await page.getByTestId('mode-banner').filter({ hasText: 'TEST' }).waitFor();
    await page.getByRole('button', { name: 'Check test alert…' }).click();
    await page.getByRole('dialog').filter({ hasText: 'Nothing is sent' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Check' }).click();
    await page.getByRole('status').filter({ hasText: 'Nothing was sent' }).waitFor();
    const [{ n: afterTest }] = await stack.db.query(`SELECT count(*)::int AS n FROM alerts`);
    expect(afterTest).toBe(0);
    await shot('02-compose-test');

    await page.getByLabel('Live').check();
    await page.getByTestId('mode-banner').filter({ hasText: 'LIVE' }).waitFor();
    await page.getByRole('button', { name: 'Send live alert…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.filter({ hasText: 'members of 2 BIN(s): BIN Herdersem, BIN Moorsel' }).waitFor();
    await shot('03-compose-live-confirm');
    // Marks this document: a reload would lose it, so the counts below must come live.
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await dialog.getByRole('button', { name: 'Send to 2 BIN(s)' }).click();
    await page.waitForURL(/#\/alerts\/[0-9a-f-]{36}$/);
  });

  it('shows the dashboard reaching the expected counts live, through the event stream', async () => {
    // Every value the SMS card shows, in order, recorded in the page.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { smsDelivered: string[] }).smsDelivered = seen;
      const record = () => {
        const value = document.querySelector('[data-testid=channel-sms]')?.getAttribute('data-delivered');
        if (value !== undefined && value !== null && seen[seen.length - 1] !== value) seen.push(value);
      };
      record();
      new MutationObserver(record).observe(document.body, { subtree: true, attributes: true, childList: true });
    });
    await page.getByTestId('live-state').filter({ hasText: 'Live' }).waitFor();
    // Anna, Bruno and Chris by SMS (Dina's mobile is unverified), all four by e-mail, Bruno by voice.
    const expected = { sms: { planned: '3', delivered: '3' }, email: { planned: '4', delivered: '4' }, voice: { planned: '1', delivered: '1' } };
    await page.waitForFunction(
      (want) =>
        Object.entries(want).every(([channel, counts]) => {
          const card = document.querySelector(`[data-testid=channel-${channel}]`);
          return card?.getAttribute('data-planned') === counts.planned && card?.getAttribute('data-delivered') === counts.delivered && card?.getAttribute('data-in-flight') === '0';
        }),
      expected,
      { timeout: 60_000, polling: 200 },
    );
    const { sameDocument, smsDelivered } = await page.evaluate(() => {
      const w = window as unknown as { sameDocument: boolean; smsDelivered: string[] };
      return { sameDocument: w.sameDocument, smsDelivered: w.smsDelivered };
    });
    expect(sameDocument).toBe(true);
    expect(smsDelivered[0]).toBe('0');
    expect(smsDelivered[smsDelivered.length - 1]).toBe('3');
    await page.getByTestId('suppressed-sms').filter({ hasText: 'contact_not_verified' }).waitFor();
    await page.getByTestId('suppressed-voice').filter({ hasText: 'no_contact_point' }).waitFor();
    expect(await page.locator('[data-testid=funnel-sms] [data-stage=delivered]').getAttribute('data-value')).toBe('3');
    await shot('04-dashboard');
  });

  it('lists the alert with its counts, and shows the ops page to a supervisor', async () => {
    await page.goto(`${stack.intakeUrl}/#/alerts`);
    const row = page.locator('table.alerts tbody tr').first();
    await row.filter({ hasText: 'Vermiste jongen Lucas (8)' }).filter({ hasText: '3 / 3' }).waitFor();
    await shot('05-alerts');

    await signIn('supervisor.aalst');
    await page.goto(`${stack.intakeUrl}/#/ops`);
    await page.getByTestId('consumer-groups').filter({ hasText: 'sender-sms-urgent' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('dead-letters').waitFor();
    await shot('06-ops');
    // The console speaks Dutch too, and remembers the choice.
    await page.getByLabel('Taal / Language').selectOption('nl');
    await page.getByRole('heading', { name: 'Werking' }).waitFor();
    await page.getByRole('link', { name: 'Nieuw bericht' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Werking' }).waitFor();
  });

  it('ran without script errors or Content-Security-Policy violations', () => {
    // The only expected error: the deliberately wrong password, answered 401.
    expect(browserErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    expect(browserErrors.filter((e) => /status of 401/.test(e))).toHaveLength(1);
  });
});
