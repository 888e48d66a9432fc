import 'reflect-metadata';
import { aMember } from '../support/member.builder';
import { asAalstOperator } from '../support/access-tokens';
import { RunningStack, startStack } from '../support/running-stack';
import { waitFor } from '../../bench/src/support/wait-for';

/**
 * The tracker is down while the providers post their statuses (docs/reliability.md, findings 4
 * and 5). Twilio retries a status callback only as the connection overrides on its URL ask (the
 * dispatcher asks `#rc=5&rp=all`: five retries within 15 s); SendGrid retries its Event Webhook at
 * growing intervals for a day (compressed here by the simulator's timeScale). Once the tracker is
 * back, every status arrives: nothing is left `accepted`.
 */
describe('statuses posted while the tracker is down arrive once it is back', () => {
  let stack: RunningStack;
  const members = Array.from({ length: 8 }, (_, i) => ({ mobile: `+3247055${String(i).padStart(4, '0')}`, email: `outage-${i}@example.be` }));

  beforeAll(async () => {
    stack = await startStack();
    // SendGrid's 30 s, 60 s … become 30 ms, 60 ms …, its day 86 s.
    const res = await fetch(`${stack.sim.url}/__sim/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ callbackRetry: { timeScale: 1000 } }),
    });
    expect(res.status).toBe(200);
    for (const [i, m] of members.entries()) {
      await aMember(`Outage ${i}`).speaking('nl').inBins('herdersem').withMobile(m.mobile).withEmail(m.email).save(stack.members);
    }
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  type SimStats = {
    sms: { accepted: number; callbacks: Record<string, number> };
    email: { accepted: number; callbacks: Record<string, number> };
    retryQueue: Record<string, number>;
  };
  const simStats = async () => (await (await fetch(`${stack.sim.url}/__sim/stats`)).json()) as SimStats;

  it('delivers every SMS and e-mail status posted while the tracker was down, and gives none up', async () => {
    await stack.stopTracker();
    const res = await fetch(`${stack.intakeUrl}/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asAalstOperator() },
      body: JSON.stringify({ category: 'burglary', bins: ['herdersem'], texts: { nl: { title: 'Inbraak Kerkstraat', body: 'Sluit ramen en deuren.' } } }),
    });
    expect(res.status).toBe(201);
    const alertId = ((await res.json()) as { id: string }).id;

    // Both providers have had callbacks refused: the tracker was down when they came.
    const during = await waitFor(
      simStats,
      (s) => s.sms.accepted === members.length && s.email.accepted === members.length && s.sms.callbacks.retried > 0 && s.email.callbacks.retried > 0,
      {
        what: 'callbacks of both providers refused and waiting for a retry',
        timeoutMs: 60_000,
        intervalMs: 50,
      },
    );
    expect(during.retryQueue.waiting).toBeGreaterThan(0);
    // The outage is the fault under test: it lasts a few seconds more, longer than the 1.4 s of
    // retries the simulator used to give every callback, shorter than Twilio's 15 s.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await stack.restartTracker();

    const statuses = async () =>
      (await stack.db.query(
        `SELECT channel, status, count(*)::int AS n FROM deliveries WHERE alert_id = $1 AND channel IN ('sms', 'email') GROUP BY channel, status ORDER BY channel, status`,
        [alertId],
      )) as Array<{ channel: string; status: string; n: number }>;
    const final = await waitFor(statuses, (rows) => rows.length === 2 && rows.every((r) => r.status === 'delivered'), { what: 'every delivery delivered', timeoutMs: 60_000 });
    expect(final).toEqual([
      { channel: 'email', status: 'delivered', n: members.length },
      { channel: 'sms', status: 'delivered', n: members.length },
    ]);
    const after = await waitFor(simStats, (s) => s.retryQueue.waiting === 0, { what: 'the retry queue empty' });
    expect(after.sms.callbacks.failed).toBe(0);
    expect(after.email.callbacks.failed).toBe(0);
  }, 180_000);
});
