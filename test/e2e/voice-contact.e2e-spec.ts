import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { LinkSigner } from '@bin-alert/domain';
import { MEMBER_WORDS } from '@bin-alert/member-pages';
import { memberLinkSecretFrom } from '@bin-alert/platform';
import { RunningStack, startStack } from '../support/running-stack';
import { ConsoleBrowser, openConsoleBrowser } from '../support/console-browser';
import { expectAccessible } from '../support/accessibility';
import { asAalstOperator, bearer } from '../support/access-tokens';
import { waitFor } from '../../bench/src/support/wait-for';
import { aMember } from '../support/member.builder';
import { openSimulatedDevice } from '../support/simulated-device';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'voice-contact');
/** A landline in Aalst, as a resident without a mobile would type it. */
const TYPED_LANDLINE = '053 72 11 11';
const LANDLINE = '+3253721111';

/**
 * Issue 14 item 1, as a resident would live it in Debian's Chromium: in the preference centre
 * they give a landline for calls; the simulated phone rings and says a code (read on the
 * simulator's phones page); they type it in; the next alert calls them. Before they confirm, the
 * alert records that they had no confirmed phone; the board sees the phone; erasure removes it.
 */
describe('a phone for calls, given in the preference centre and confirmed by the code a call says', () => {
  let stack: RunningStack;
  let browser: ConsoleBrowser;
  let memberId: string;
  let page: Page;
  const w = MEMBER_WORDS.fr;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startStack({ DISPATCH_DEFERRED_POLL_MS: '200' });
    memberId = await aMember('Élise').speaking('fr').inBins('herdersem').withEmail('elise.voice@example.be').save(stack.members);
    browser = await openConsoleBrowser();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 400, height: 860 });
    page.on('pageerror', (error) => browserErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const look = async (p: Page, name: string) => {
    await p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    await expectAccessible(p, name);
  };

  const centreUrl = () => {
    const token = new LinkSigner(memberLinkSecretFrom(stack.config)).sign({ purpose: 'preferences', memberId }, new Date());
    return `${stack.intakeUrl}/preferences?token=${encodeURIComponent(token)}`;
  };

  const openPhone = (p: Page, to: string, waitForText: RegExp) => openSimulatedDevice(p, stack.sim.url, to, waitForText);

  const issueAlert = async (title: string) => {
    const res = await fetch(`${stack.intakeUrl}/v1/alerts`, {
      method: 'POST',
      headers: { ...asAalstOperator(), 'content-type': 'application/json' },
      body: JSON.stringify({
        category: 'burglary',
        urgency: 'normal',
        bins: ['herdersem'],
        redistributionAllowed: true,
        texts: { fr: { title, body: `${title} : fermez portes et fenêtres.` } },
      }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  const voiceDeliveryOf = async (alertId: string) => {
    const rows = (await stack.db.query(`SELECT status, reason FROM deliveries WHERE alert_id = $1 AND member_id = $2 AND channel = 'voice'`, [alertId, memberId])) as Array<{
      status: string;
      reason: string | null;
    }>;
    return rows[0];
  };

  it('gives a landline in the preference centre; a call is on its way', async () => {
    await page.goto(centreUrl());
    expect(await page.locator('h1').innerText()).toBe(w.preferences.title);
    expect(await page.locator('#phone-title').innerText()).toBe(w.preferences.phoneTitle);
    await look(page, '01-preferences-no-phone');

    await page.getByLabel(w.preferences.phoneLabel).fill('12');
    await page.getByRole('button', { name: w.preferences.phoneGive }).click();
    await page.locator('#phone-error').waitFor();
    expect(await page.locator('#phone-error').innerText()).toBe(w.reasons.notPhone);
    await look(page, '01b-preferences-phone-refused');

    await page.getByLabel(w.preferences.phoneLabel).fill(TYPED_LANDLINE);
    await page.getByRole('button', { name: w.preferences.phoneGive }).click();
    await page.waitForURL(/phone=calling/);
    expect(await page.locator('#phone-title ~ .notice').first().innerText()).toContain(w.preferences.phoneCalling);
    expect(await page.getByLabel(w.application.phoneCodeLabel).isVisible()).toBe(true);
    await look(page, '02-preferences-calling');
  });

  it('is not called for an alert while the phone is unconfirmed: the alert says why', async () => {
    const alertId = await issueAlert('Cambriolages avant confirmation');
    const voice = await waitFor(
      () => voiceDeliveryOf(alertId),
      (row) => row !== undefined,
      { what: 'the voice decision for the member', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(voice).toEqual({ status: 'suppressed', reason: 'contact_not_verified' });
  });

  it('reads the code the call says on the simulated phone, and confirms the phone with it', async () => {
    await page.getByLabel(w.application.phoneCodeLabel).fill('000000');
    await page.getByRole('button', { name: w.application.confirmPhoneCode }).click();
    await page.locator('#phone-code-error').waitFor();
    expect(await page.locator('#phone-code-error').innerText()).toBe(w.application.wrongCallCode);
    await look(page, '02b-preferences-code-refused');

    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 400, height: 860 });
    const device = await openPhone(phone, LANDLINE, /(\d, ){5}\d\./);
    const said = await device.innerText();
    expect(said).toContain('fr-BE Polly.Isabelle-Neural');
    expect(said).toContain('Votre code de confirmation est');
    await phone.screenshot({ path: join(ARTIFACTS, '03-phone-says-code.png'), fullPage: true });
    const code = /(\d), (\d), (\d), (\d), (\d), (\d)\./.exec(said)!.slice(1).join('');
    await phone.close();

    await page.getByLabel(w.application.phoneCodeLabel).fill(code);
    await page.getByRole('button', { name: w.application.confirmPhoneCode }).click();
    await page.waitForURL(/phone=confirmed/);
    expect(await page.locator('#phone-title ~ .notice').first().innerText()).toContain(w.preferences.phoneConfirmed);
    expect(await page.locator('#phone-title ~ p').first().innerText()).toContain(w.preferences.phoneConfirmedNow);
    await look(page, '04-preferences-phone-confirmed');
  });

  it('the board of the BIN sees the confirmed phone among the member’s contacts', async () => {
    const res = await fetch(`${stack.intakeUrl}/v1/bins/herdersem/members`, {
      headers: { authorization: bearer({ accountId: 'board-herdersem', role: 'board', binIds: ['herdersem'] }) },
    });
    expect(res.status).toBe(200);
    const { members } = (await res.json()) as { members: Array<{ memberId: string; contacts: Array<{ kind: string; verified: boolean }> }> };
    expect(members.find((m) => m.memberId === memberId)?.contacts).toEqual(expect.arrayContaining([{ kind: 'phone', verified: true }]));
  });

  it('is called for the next alert, in French', async () => {
    const alertId = await issueAlert('Cambriolages à Herdersem');
    await waitFor(
      () => voiceDeliveryOf(alertId),
      (row) => row?.status === 'delivered',
      { what: 'the call delivered', timeoutMs: 30_000, intervalMs: 250 },
    );
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 400, height: 860 });
    const device = await openPhone(phone, LANDLINE, /Cambriolages à Herdersem/);
    expect(await device.innerText()).toContain('Cambriolages à Herdersem : fermez portes et fenêtres.');
    await phone.screenshot({ path: join(ARTIFACTS, '05-phone-called-for-alert.png'), fullPage: true });
    await phone.close();
  });

  it('erasure on resignation removes the phone', async () => {
    const token = new LinkSigner(memberLinkSecretFrom(stack.config)).sign({ purpose: 'resign', memberId }, new Date());
    const res = await fetch(`${stack.intakeUrl}/v1/membership/resign?token=${encodeURIComponent(token)}`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await stack.db.query(`SELECT kind FROM contact_points WHERE member_id = $1`, [memberId])).toEqual([]);
  });

  it('showed no script error on any page', () => {
    expect(browserErrors).toEqual([]);
  });
});
