import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { jobsTopic, senderGroup } from '@bin-alert/contracts';
import { MemberRepository, openDataSource } from '@bin-alert/persistence';
import { AppConfig } from '@bin-alert/platform';
import { startIntake } from '../../../apps/intake/src/start-intake';
import { startTracker } from '../../../apps/tracker/src/start-tracker';
import { freePort } from '../../../bench/src/support/free-port';
import { RunningProviderSim, startProviderSim } from '../../../apps/provider-sim/src/start-provider-sim';
import { consumerLag, stableGroupMembers } from '../../../test/support/kafka-probe';
import { resetDatabase, resetKafka, resetRedis } from '../../../test/support/reset-infrastructure';
import { residents } from '../../../test/support/residents';
import { testConfig } from '../../../bench/src/support/test-config';
import { waitFor } from '../../../bench/src/support/wait-for';
import { asAalstOperator } from '../../../test/support/access-tokens';
import { startDispatcher } from './start-dispatcher';

describe('two-stage fan-out on the real stack', () => {
  let sim: RunningProviderSim;
  let config: AppConfig;
  let db: DataSource;
  let intake: INestApplication;
  let tracker: INestApplication;
  let intakeUrl: string;
  const dispatchers: INestApplication[] = [];

  async function boot(overrides: Record<string, string>, instances: number, simConfig?: NonNullable<Parameters<typeof startProviderSim>[0]>['config']): Promise<void> {
    sim = await startProviderSim({ port: 0, logger: false, config: simConfig });
    const trackerPort = await freePort();
    config = testConfig({ PROVIDER_SIM_URL: sim.url, TRACKER_PORT: String(trackerPort), TRACKER_PUBLIC_URL: `http://127.0.0.1:${trackerPort}`, ...overrides });
    await resetDatabase(config.DATABASE_URL);
    await resetRedis(config.REDIS_URL);
    await resetKafka(config.KAFKA_BROKERS);
    db = await openDataSource(config.DATABASE_URL, 3);
    intake = await startIntake(config, 0);
    intakeUrl = await intake.getUrl();
    // Receives the simulator's status callbacks, as in production.
    tracker = await startTracker(config);
    for (let i = 0; i < instances; i++) dispatchers.push(await startDispatcher('sms', config, 0));
    for (const lane of ['urgent', 'normal'] as const) {
      await waitFor(
        () => stableGroupMembers(config.KAFKA_BROKERS, senderGroup('sms', lane)),
        (n) => n === instances,
        {
          what: `${instances} sms senders sharing the ${lane} lane`,
        },
      );
    }
  }

  async function shutdown(): Promise<void> {
    for (const app of dispatchers.splice(0)) await app.close();
    await intake?.close();
    await tracker?.close();
    await sim?.close();
    await db?.destroy();
  }

  async function issue(body: object): Promise<string> {
    const res = await fetch(`${intakeUrl}/v1/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', ...asAalstOperator() }, body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  const statusCounts = async (alertId: string): Promise<Record<string, number>> => {
    // Accepted, or already further along once the tracker applied the provider's callbacks.
    const rows: Array<{ status: string; n: number }> = await db.query(
      `SELECT CASE WHEN accepted_at IS NOT NULL THEN 'accepted' ELSE status END AS status, count(*)::int AS n
         FROM deliveries WHERE alert_id = $1 AND channel = 'sms' GROUP BY 1`,
      [alertId],
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  };

  const smsAtSimulator = async () => ((await (await fetch(`${sim.url}/__sim/messages?channel=sms`)).json()) as { messages: Array<{ to: string; body: string }> }).messages;

  describe('with two instances of a dispatcher', () => {
    beforeAll(() => boot({}, 2), 120_000);
    afterAll(shutdown);

    it('shares the work between them, and sends each delivery exactly once', async () => {
      await new MemberRepository(db).registerMany(residents('arend', 600, 1_000_000));
      const alertId = await issue({ category: 'prevention', bins: ['arend'], texts: { nl: { title: 'Quick & Lock', body: 'Sluit uw fiets altijd op slot.' } } });

      await waitFor(
        () => statusCounts(alertId),
        (c) => c.accepted === 600,
        { timeoutMs: 60_000, what: '600 SMS accepted' },
      );
      const holders: Array<{ claimed_by: string; n: number }> = await db.query(`SELECT claimed_by, count(*)::int AS n FROM deliveries WHERE alert_id = $1 GROUP BY claimed_by`, [
        alertId,
      ]);
      expect(holders).toHaveLength(2);
      for (const holder of holders) expect(holder.n).toBeGreaterThanOrEqual(150);

      const sent = await smsAtSimulator();
      expect(sent).toHaveLength(600);
      expect(new Set(sent.map((m) => m.to)).size).toBe(600);
      expect(await consumerLag(config.KAFKA_BROKERS, senderGroup('sms', 'normal'), jobsTopic('sms', 'normal'))).toBe(0);
    }, 120_000);
  });

  describe('with a large normal alert going out', () => {
    // 1500 SMS at 150 per second keep the normal lane busy for about ten seconds.
    beforeAll(() => boot({ TWILIO_MESSAGES_PER_SECOND: '150' }, 1), 120_000);
    afterAll(shutdown);

    it('sends an urgent alert before the normal backlog is through', async () => {
      const members = new MemberRepository(db);
      await members.registerMany(residents('mijlbeek', 1500, 2_000_000));
      await members.registerMany(residents('watertoren', 5, 3_000_000));

      const campaign = await issue({ category: 'prevention', bins: ['mijlbeek'], texts: { nl: { title: 'Preventieactie', body: 'Infoavond over inbraakpreventie.' } } });
      await waitFor(
        () => statusCounts(campaign),
        (c) => (c.accepted ?? 0) >= 100,
        { what: 'the campaign to be under way' },
      );

      const missingChild = await issue({
        category: 'missing_person',
        bins: ['watertoren'],
        texts: { nl: { title: 'Vermist meisje', body: 'Emma (6), roze jas. Bel 101.' } },
      });
      await waitFor(
        () => statusCounts(missingChild),
        (c) => c.accepted === 5,
        { timeoutMs: 60_000, what: 'the urgent alert accepted' },
      );
      const campaignWhenUrgentDone = await statusCounts(campaign);
      expect(campaignWhenUrgentDone.accepted ?? 0).toBeLessThan(1500);

      await waitFor(
        () => statusCounts(campaign),
        (c) => c.accepted === 1500,
        { timeoutMs: 90_000, what: 'the campaign to finish' },
      );
      const [order] = await db.query(
        `SELECT (SELECT max(accepted_at) FROM deliveries WHERE alert_id = $1) AS urgent_last,
                (SELECT max(accepted_at) FROM deliveries WHERE alert_id = $2) AS normal_last`,
        [missingChild, campaign],
      );
      expect(new Date(order.urgent_last).getTime()).toBeLessThan(new Date(order.normal_last).getTime());
    }, 180_000);
  });

  describe('when the provider answers a storm of 429s', () => {
    // The next 60 message requests are refused with 429 / 20429, as Twilio does when overloaded.
    beforeAll(() => boot({}, 1, { burst429: { api: 'twilioMessages', count: 60 } }), 120_000);
    afterAll(shutdown);

    it('slows down and retries: every member gets the SMS once, nobody is lost', async () => {
      await new MemberRepository(db).registerMany(residents('meldert', 200, 5_000_000));
      const alertId = await issue({ category: 'burglary', bins: ['meldert'], texts: { nl: { title: 'Inbraakgolf', body: 'Sluit ramen en deuren.' } } });

      await waitFor(
        () => statusCounts(alertId),
        (c) => c.accepted === 200,
        { timeoutMs: 90_000, what: '200 SMS accepted despite the 429s' },
      );
      const stats = (await (await fetch(`${sim.url}/__sim/stats`)).json()) as { sms: { rateLimited: number; duplicates: number } };
      expect(stats.sms.rateLimited).toBe(60);
      expect(stats.sms.duplicates).toBe(0);
      const sent = await smsAtSimulator();
      expect(sent).toHaveLength(200);
      expect(new Set(sent.map((m) => m.to)).size).toBe(200);
    }, 120_000);
  });
});
