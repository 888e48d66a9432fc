/// <reference lib="dom" />
// The waitForFunction callbacks run in the browser, hence the DOM types.
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deliveryId } from '@bin-alert/domain';
import { asAalstOperator } from '../support/access-tokens';
import { expectAccessible } from '../support/accessibility';
import { ConsoleBrowser, openConsoleBrowser } from '../support/console-browser';
import { aMember } from '../support/member.builder';
import { RunningStack, startStack } from '../support/running-stack';
import { waitFor } from '../../bench/src/support/wait-for';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildConsole } = require('../../scripts/build-console.js') as { buildConsole(options?: { typecheck?: boolean }): Promise<unknown> };

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'console');
const SECOND_FROM = '+32460200200';

/**
 * A second SMS route (issue 14 item 7, ADR 0033), end to end: the simulator's first Twilio
 * account answers every create with a 500; the dispatcher's breaker opens, and an urgent alert's
 * SMS go out through the second account, each member's exactly once. The second account's
 * callbacks verify with its own token (the deliveries reach `delivered`), and the alert dashboard,
 * API and console, shows which route carried them.
 */
describe('a second SMS route when the first fails', () => {
  let stack: RunningStack;
  let browser: ConsoleBrowser;
  const mobiles = Array.from({ length: 12 }, (_, i) => `+324701234${String(i).padStart(2, '0')}`);
  const members: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await buildConsole({ typecheck: false });
    stack = await startStack({ TWILIO_SECOND_FROM_NUMBER: SECOND_FROM, SMS_ROUTE_WINDOW: '8', SMS_ROUTE_MIN_CALLS: '4' });
    for (const [i, mobile] of mobiles.entries()) members.push(await aMember(`Lid ${i}`).speaking('nl').inBins('herdersem').withMobile(mobile).save(stack.members));
    browser = await openConsoleBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const simConfig = (patch: object) => fetch(`${stack.sim.url}/__sim/config`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) });
  const smsTo = async (to: string) => {
    const res = await fetch(`${stack.sim.url}/__sim/inbox?to=${encodeURIComponent(to)}`);
    return ((await res.json()) as { messages: Array<{ channel: string; from: string; body: string }> }).messages.filter((m) => m.channel === 'sms');
  };
  const issue = async (urgency: 'urgent' | 'normal', title: string) => {
    const res = await fetch(`${stack.intakeUrl}/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asAalstOperator() },
      body: JSON.stringify({ category: 'missing_person', urgency, bins: ['herdersem'], texts: { nl: { title, body: 'Lucas (8) draagt een rode jas. Gezien? Bel 101.' } } }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  it('sends an urgent alert’s SMS by the second route, each member once, and the dashboard shows the split', async () => {
    expect((await simConfig({ sms: { errorRates: { '20500': 1 } } })).status).toBe(200);
    const alertId = await issue('urgent', 'Vermiste jongen');

    const rows = await waitFor(
      async () =>
        (await stack.db.query(`SELECT id, status, route FROM deliveries WHERE alert_id = $1 AND channel = 'sms'`, [alertId])) as Array<{
          id: string;
          status: string;
          route: string | null;
        }>,
      (found) => found.length === members.length && found.every((r) => r.status === 'delivered'),
      { what: 'every SMS delivered', timeoutMs: 60_000 },
    );
    expect(rows.map((r) => r.route)).toEqual(members.map(() => 'secondary'));
    expect(rows.map((r) => r.id).sort()).toEqual(members.map((m) => deliveryId(alertId, m, 'sms')).sort());
    // Exactly once each, from the second account's number; the first refused every create.
    for (const mobile of mobiles) expect((await smsTo(mobile)).map((m) => m.from)).toEqual([SECOND_FROM]);

    const res = await fetch(`${stack.intakeUrl}/v1/alerts/${alertId}/dashboard`, { headers: asAalstOperator() });
    const dashboard = (await res.json()) as { channels: { sms: { routes: unknown[] } } };
    expect(dashboard.channels.sms.routes).toEqual([{ route: 'secondary', queued: 12, sent: 12, delivered: 12, failed: 0 }]);

    // The console's dashboard, signed in with an operator's token as the token form would.
    const page = await browser.context.newPage();
    const token = asAalstOperator().authorization.replace(/^Bearer /, '');
    await page.addInitScript(
      (t) =>
        sessionStorage.setItem('bin-alert.session', JSON.stringify({ token: t, role: 'operator', zone: 'aalst', username: 'test-operator', expiresAt: Date.now() + 3_600_000 })),
      token,
    );
    await page.goto(`${stack.intakeUrl}/#/alerts/${alertId}`);
    const secondary = page.getByTestId('routes-sms').locator('tr[data-route=secondary]');
    await secondary.waitFor();
    expect(await secondary.getAttribute('data-delivered')).toBe('12');
    expect(await secondary.locator('th').innerText()).toBe('Second route');
    await expectAccessible(page, 'dashboard with a second SMS route');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-second-sms-route.png'), fullPage: true });
    await page.close();
  }, 120_000);

  it('keeps a normal alert on the first route: its SMS wait for it (held), none goes out by the second', async () => {
    const alertId = await issue('normal', 'Inbraakpreventie');
    const rows = await waitFor(
      async () =>
        (await stack.db.query(`SELECT status, reason, route FROM deliveries WHERE alert_id = $1 AND channel = 'sms'`, [alertId])) as Array<{
          status: string;
          reason: string | null;
          route: string | null;
        }>,
      (found) => found.length === members.length && found.every((r) => r.status === 'planned' && r.reason !== null),
      { what: 'every SMS held', timeoutMs: 60_000 },
    );
    expect(new Set(rows.map((r) => `${r.reason} ${r.route}`))).toEqual(new Set(['provider_unavailable_500_after_5_attempts null']));
    // Still only the urgent alert's SMS on every phone.
    for (const mobile of mobiles) expect((await smsTo(mobile)).map((m) => m.from)).toEqual([SECOND_FROM]);
  }, 90_000);
});
