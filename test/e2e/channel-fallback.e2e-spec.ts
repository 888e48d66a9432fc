import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deliveryId } from '@bin-alert/domain';
import { expectAccessible } from '../support/accessibility';
import { chooseLanguage, createStaff, openConsoleBrowser, signInAs } from '../support/console-browser';
import { asAalstOperator } from '../support/access-tokens';
import { aMember } from '../support/member.builder';
import { RunningStack, startStack } from '../support/running-stack';
import { waitFor } from '../../bench/src/support/wait-for';

/**
 * The channel fallback of urgent alerts on the real stack (ADR 0032): members whose SMS the
 * simulator's carrier reports undelivered or failed (its magic numbers, apps/provider-sim/README.md)
 * are called on their confirmed phone, or e-mailed, once; nobody else gets anything extra.
 * The members chose SMS only for burglaries: the fallback overrides that choice, nothing else.
 */
describe('an urgent alert whose SMS fail reaches those members by a call or an e-mail', () => {
  let stack: RunningStack;
  const people = {
    // SMS undelivered (unreachable handset); a confirmed phone that answers and presses 1; an e-mail too.
    called: { mobile: '+32470990001', phone: '+32470991401', email: 'called@fallback.example' },
    // SMS failed (never sent); no phone for calls: the e-mail.
    mailed: { mobile: '+32470990301', email: 'mailed@fallback.example' },
    // SMS undelivered; phone not confirmed: the e-mail.
    unconfirmed: { mobile: '+32470990101', phone: '+32470991402', email: 'unconfirmed@fallback.example' },
    // SMS undelivered, but e-mail on for burglaries: already gets the e-mail, nothing more.
    alreadyMailed: { mobile: '+32470990201', phone: '+32470991403', email: 'already@fallback.example' },
    // SMS delivered: nothing extra.
    delivered: { mobile: '+32470000011', phone: '+32470991404', email: 'delivered@fallback.example' },
    // SMS undelivered, nothing else to reach them on.
    smsOnly: { mobile: '+32470990002' },
  };
  type Who = keyof typeof people;
  const ids = {} as Record<Who, string>;
  const body = 'Inbraakgolf in Herdersem: sluit ramen en deuren.';
  let urgentAlertId: string;

  beforeAll(async () => {
    stack = await startStack({ DISPATCH_FALLBACK_POLL_MS: '300', VOICE_REDIALS: '0' });
    const save = (who: Who, build: (b: ReturnType<typeof aMember>) => ReturnType<typeof aMember>) =>
      build(aMember(who).speaking('nl').inBins('herdersem').withMobile(people[who].mobile))
        .save(stack.members)
        .then((id) => (ids[who] = id));
    const smsOnlyForBurglary = (b: ReturnType<typeof aMember>) => b.choosing('burglary', ['voice', 'email'], false);
    await save('called', (b) => smsOnlyForBurglary(b.withPhone(people.called.phone).withEmail(people.called.email)));
    await save('mailed', (b) => smsOnlyForBurglary(b.withEmail(people.mailed.email)));
    await save('unconfirmed', (b) => smsOnlyForBurglary(b.withPhone(people.unconfirmed.phone, false).withEmail(people.unconfirmed.email)));
    await save('alreadyMailed', (b) => b.withPhone(people.alreadyMailed.phone).withEmail(people.alreadyMailed.email).choosing('burglary', ['voice'], false));
    await save('delivered', (b) => smsOnlyForBurglary(b.withPhone(people.delivered.phone).withEmail(people.delivered.email)));
    await save('smsOnly', (b) => b);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const inbox = async (to: string) => {
    const res = await fetch(`${stack.sim.url}/__sim/inbox?to=${encodeURIComponent(to)}`);
    return ((await res.json()) as { messages: Array<{ channel: string; subject?: string; said?: Array<{ text: string }> }> }).messages;
  };
  const row = async (alertId: string, who: Who, channel: 'sms' | 'voice' | 'email') =>
    (
      (await stack.db.query(`SELECT status, reason, origin, fallback FROM deliveries WHERE id = $1`, [deliveryId(alertId, ids[who], channel)])) as Array<
        Record<string, string | null>
      >
    )[0];

  it('calls or e-mails exactly the members whose SMS ended undelivered or failed, once', async () => {
    const res = await fetch(`${stack.intakeUrl}/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asAalstOperator() },
      body: JSON.stringify({ category: 'burglary', urgency: 'urgent', bins: ['herdersem'], texts: { nl: { title: 'Inbraken', body } } }),
    });
    expect(res.status).toBe(201);
    const { id: alertId } = (await res.json()) as { id: string };
    urgentAlertId = alertId;

    await waitFor(
      async () => Promise.all([row(alertId, 'called', 'voice'), row(alertId, 'mailed', 'email'), row(alertId, 'unconfirmed', 'email')]),
      (rows) => rows.every((r) => r?.status === 'delivered'),
      { what: 'the fallback call and e-mails delivered', timeoutMs: 60_000 },
    );
    // Every SMS settled, and every failed one decided.
    await waitFor(
      async () => Promise.all((Object.keys(people) as Who[]).map((who) => row(alertId, who, 'sms'))),
      (rows) => rows.every((r) => r?.status === 'delivered' || (r?.fallback ?? null) !== null),
      { what: 'every failed SMS has its fallback decided', timeoutMs: 30_000 },
    );

    expect(await row(alertId, 'called', 'sms')).toMatchObject({ status: 'undelivered', fallback: 'voice' });
    expect(await row(alertId, 'called', 'voice')).toMatchObject({ status: 'delivered', origin: 'fallback_from_sms' });
    expect(await row(alertId, 'mailed', 'sms')).toMatchObject({ status: 'failed', fallback: 'email' });
    expect(await row(alertId, 'unconfirmed', 'sms')).toMatchObject({ fallback: 'email' });
    expect(await row(alertId, 'alreadyMailed', 'sms')).toMatchObject({ fallback: 'already_reached' });
    expect(await row(alertId, 'alreadyMailed', 'email')).toMatchObject({ status: 'delivered', origin: null });
    expect(await row(alertId, 'smsOnly', 'sms')).toMatchObject({ fallback: 'no_fallback_contact' });
    expect(await row(alertId, 'delivered', 'sms')).toMatchObject({ status: 'delivered', fallback: null });

    // What each member's phone and inbox got: the call says the alert, once; nobody gets anything twice.
    const calls = (await inbox(people.called.phone)).filter((m) => m.channel === 'voice');
    expect(calls).toHaveLength(1);
    expect(calls[0].said?.some((s) => s.text.includes(body))).toBe(true);
    expect(await inbox(people.called.email)).toHaveLength(0);
    for (const who of ['mailed', 'unconfirmed', 'alreadyMailed'] as const) {
      const mails = await inbox(people[who].email);
      expect(mails).toHaveLength(1);
      expect(mails[0].subject).toContain('Inbraken');
    }
    expect(await inbox(people.unconfirmed.phone)).toHaveLength(0);
    expect(await inbox(people.alreadyMailed.phone)).toHaveLength(0);
    expect(await inbox(people.delivered.phone)).toHaveLength(0);
    expect(await inbox(people.delivered.email)).toHaveLength(0);

    // The dashboard counts the fallbacks per channel.
    const dashboard = (await (await fetch(`${stack.intakeUrl}/v1/alerts/${alertId}/dashboard`, { headers: asAalstOperator() })).json()) as {
      channels: Record<string, { fallbacks: number }>;
    };
    expect(dashboard.channels.voice.fallbacks).toBe(1);
    expect(dashboard.channels.email.fallbacks).toBe(2);
    expect(dashboard.channels.sms.fallbacks).toBe(0);
    // So does the alert's reach report, in JSON and in its CSV.
    const reach = (await (await fetch(`${stack.intakeUrl}/v1/reports/alerts/${alertId}/reach`, { headers: asAalstOperator() })).json()) as {
      channels: Array<{ channel: string; fallbacks: number }>;
    };
    expect(Object.fromEntries(reach.channels.map((c) => [c.channel, c.fallbacks]))).toEqual({ sms: 0, voice: 1, email: 2 });
    const csv = await (await fetch(`${stack.intakeUrl}/v1/reports/alerts/${alertId}/reach?format=csv`, { headers: asAalstOperator() })).text();
    expect(csv.split(/\r?\n/)).toEqual(expect.arrayContaining(['voice,fallbacks,,1', 'email,fallbacks,,2']));
  });

  it('gives a normal alert no fallback', async () => {
    const res = await fetch(`${stack.intakeUrl}/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asAalstOperator() },
      body: JSON.stringify({ category: 'burglary', urgency: 'normal', bins: ['herdersem'], texts: { nl: { title: 'Inbraken (2)', body } } }),
    });
    const { id: alertId } = (await res.json()) as { id: string };
    await waitFor(
      () => row(alertId, 'called', 'sms'),
      (r) => (r?.fallback ?? null) !== null,
      { what: 'the SMS fallback decided', timeoutMs: 60_000 },
    );
    expect(await row(alertId, 'called', 'sms')).toMatchObject({ status: 'undelivered', fallback: 'not_urgent' });
    expect(await row(alertId, 'called', 'voice')).toMatchObject({ status: 'suppressed', origin: null });
    expect((await inbox(people.called.phone)).filter((m) => m.channel === 'voice')).toHaveLength(1);
  });

  it('shows the operator, in the console, how many members were called or e-mailed instead', async () => {
    const artifacts = join(__dirname, '..', '..', 'test-artifacts', 'channel-fallback');
    mkdirSync(artifacts, { recursive: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildConsole } = require('../../scripts/build-console.js') as { buildConsole(options?: { typecheck?: boolean }): Promise<unknown> };
    await buildConsole({ typecheck: false });
    await createStaff(stack, [['operator.fallback', 'operator']]);
    const browser = await openConsoleBrowser();
    try {
      const page = await browser.context.newPage();
      await signInAs(page, stack.intakeUrl, 'operator.fallback');
      await page.goto(`${stack.intakeUrl}/#/alerts/${urgentAlertId}`);
      await page.locator('[data-testid=fallbacks-voice]').filter({ hasText: '1' }).waitFor();
      expect(await page.getByTestId('channel-voice').getByText('Instead of a failed SMS').count()).toBe(1);
      expect(await page.getByTestId('fallbacks-email').textContent()).toBe('2');
      expect(await page.getByTestId('channel-sms').getByText('Instead of a failed SMS').count()).toBe(0);
      await page.screenshot({ path: join(artifacts, 'dashboard-en.png'), fullPage: true });
      await expectAccessible(page, 'fallback dashboard (en)');
      await chooseLanguage(page, 'fr');
      await page.getByText('À la place d’un SMS non remis').first().waitFor();
      await page.screenshot({ path: join(artifacts, 'dashboard-fr.png'), fullPage: true });
      await expectAccessible(page, 'fallback dashboard (fr)');
    } finally {
      await browser.close();
    }
  }, 120_000);
});
