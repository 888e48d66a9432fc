import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ProviderAnswer } from '@bin-alert/domain';
import { DeliveryReconciliationRepository, openDataSource } from '@bin-alert/persistence';
import { AppConfig } from '@bin-alert/platform';
import { SentDelivery, TwilioSmsSender, TwilioStatusLookup, TwilioVoiceCaller, providerSettingsFrom } from '@bin-alert/providers';
import { DeliveryReconciler, ReconciliationSettings, StatusEventPublisher, liveCountersKey } from '@bin-alert/tracking';
import { RunningProviderSim, startProviderSim } from '../../provider-sim/src/start-provider-sim';
import { freePort } from '../../../bench/src/support/free-port';
import { resetDatabase } from '../../../test/support/reset-infrastructure';
import { TrackedMember, seedAcceptedDeliveries } from '../../../bench/src/support/accepted-deliveries';
import { postCallbacks, twilioSignature } from '../../../test/support/tracked-deliveries';
import { TEST_DATABASE_URL, testConfig } from '../../../bench/src/support/test-config';
import { waitFor } from '../../../bench/src/support/wait-for';
import { startTracker } from './start-tracker';

/** A database of its own: the sweep looks at every delivery, and other suites leave theirs accepted. */
const DATABASE_URL = TEST_DATABASE_URL.replace(/\/[^/?]+(\?|$)/, '/bin_alert_reconcile$1');
const MEMBERS = 12;
/** Magic numbers of the simulator (README), one per member: SMS undelivered (30003); a call nobody answers. */
const undeliveredSms = (i: number) => `+32470990${String(i).padStart(3, '0')}`;
const unansweredCall = (i: number) => `+32470991${String(i).padStart(3, '0')}`;

const SETTINGS: ReconciliationSettings = { afterSeconds: 60, retrySeconds: 1, maxRetrySeconds: 2, maxChecks: 3, lookupsPerSecond: 500, pollMs: 1000 };

/**
 * The reconciliation on the real PostgreSQL, Kafka and Redis, with the tracker in-process and the
 * provider simulator as Twilio: SMS and calls the simulator took and whose status callbacks never
 * came end final through the same path as a callback (ADR 0039).
 */
describe('reconciliation of deliveries whose callbacks were lost', () => {
  let config: AppConfig;
  let app: INestApplication;
  let baseUrl: string;
  let db: DataSource;
  let redis: Redis;
  let sim: RunningProviderSim;

  beforeAll(async () => {
    await resetDatabase(DATABASE_URL);
    sim = await startProviderSim({ port: 0, logger: false, config: { callbackDelayMs: { min: 0, max: 2 } } });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // The tracker's own sweep is off: the test runs two by hand, at once.
    config = testConfig({ DATABASE_URL, TRACKER_PUBLIC_URL: baseUrl, PROVIDER_SIM_URL: sim.url, RECONCILE_LOOKUPS_PER_SECOND: '0' });
    app = await startTracker(config, port);
    db = await openDataSource(DATABASE_URL, 4);
    redis = new Redis(config.REDIS_URL);
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await db?.destroy();
    redis?.disconnect();
  });

  interface Row {
    id: string;
    status: string;
    reason: string | null;
    reconcile_outcome: string | null;
    reconcile_checks: number;
  }
  const statuses = async (ids: string[]): Promise<Map<string, Row>> => {
    const rows: Row[] = await db.query(`SELECT id, status, reason, reconcile_outcome, reconcile_checks FROM deliveries WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id, r]));
  };

  /** Each delivery's SMS and call sent to the simulator without a StatusCallback: no callback will ever come. */
  async function sendWithoutCallbacks(seeded: TrackedMember[]): Promise<Map<string, string>> {
    const settings = providerSettingsFrom(config);
    const sms = new TwilioSmsSender(settings.twilio);
    const voice = new TwilioVoiceCaller(settings.twilio);
    const sidOf = new Map<string, string>();
    for (const [i, s] of seeded.entries()) {
      const undelivered = i % 4 === 0;
      const message = await sms.send({ deliveryId: s.delivery.sms, to: undelivered ? undeliveredSms(i) : `+324701230${String(i).padStart(2, '0')}`, body: `Vermist ${i}` });
      const call = await voice.call({
        deliveryId: s.delivery.voice,
        to: undelivered ? unansweredCall(i) : `+3253710${String(i).padStart(3, '0')}`,
        answer: { twiml: '<Response><Say>x</Say></Response>' },
      });
      sidOf.set(s.delivery.sms, message.providerId);
      sidOf.set(s.delivery.voice, call.providerId);
    }
    // As the dispatcher records an acceptance; the last change long ago (the callbacks lost since).
    await db.query(
      `UPDATE deliveries d SET provider_id = s.sid, route = CASE WHEN d.channel = 'sms' THEN 'primary' END, updated_at = now() - interval '10 minutes'
         FROM unnest($1::uuid[], $2::text[]) AS s(id, sid) WHERE d.id = s.id`,
      [[...sidOf.keys()], [...sidOf.values()]],
    );
    return sidOf;
  }

  /** Counts every lookup, to show that two reconcilers at once asked about each delivery once. */
  function countingLookup(asked: SentDelivery[]): TwilioStatusLookup {
    const real = new TwilioStatusLookup(providerSettingsFrom(config));
    return Object.assign(Object.create(real) as TwilioStatusLookup, {
      lookUp: async (sent: SentDelivery): Promise<ProviderAnswer> => {
        asked.push({ channel: sent.channel, providerId: sent.providerId, route: sent.route });
        return real.lookUp(sent);
      },
    });
  }

  it('ends SMS and calls final through the status events, two reconcilers asking about each delivery once', async () => {
    const seeded = await seedAcceptedDeliveries(db, MEMBERS);
    const sidOf = await sendWithoutCallbacks(seeded);
    const ours = [...sidOf.keys()];
    // Let the simulator reach every final status (it posts nothing).
    await waitFor(
      async () => (await fetch(`${sim.url}/__sim/messages`).then((r) => r.json())) as { messages: Array<{ outcome?: string }> },
      (body) => body.messages.filter((m) => m.outcome !== undefined).length >= 2 * MEMBERS,
      { what: 'every SMS and call final at the simulator' },
    );

    const asked: SentDelivery[] = [];
    const publisher = app.get(StatusEventPublisher);
    const repository = app.get(DeliveryReconciliationRepository);
    const reconcilers = [0, 1].map(() => new DeliveryReconciler(repository, countingLookup(asked), publisher, SETTINGS));
    const lookedUp = await Promise.all(reconcilers.map((r) => r.reconcileDue()));

    expect(lookedUp[0] + lookedUp[1]).toBe(2 * MEMBERS);
    expect(asked).toHaveLength(2 * MEMBERS);
    expect(new Set(asked.map((a) => a.providerId)).size).toBe(2 * MEMBERS);

    // Reported through the StatusEventPublisher, which applies before it returns (ADR 0041).
    const final = await statuses(ours);
    seeded.forEach((s, i) => {
      const undelivered = i % 4 === 0;
      expect(final.get(s.delivery.sms)).toMatchObject({ status: undelivered ? 'undelivered' : 'delivered', reconcile_outcome: 'reported_final', reconcile_checks: 1 });
      expect(final.get(s.delivery.voice)?.status).toBe(undelivered ? 'no_answer' : 'delivered');
    });
    // E-mail is not reconciled (SendGrid cannot be asked): it stays as the callbacks left it.
    const emails = await statuses(seeded.map((s) => s.delivery.email));
    expect([...emails.values()].every((r) => r.status === 'accepted' && r.reconcile_checks === 0)).toBe(true);
    // The live counters moved as for callbacks.
    const smsCounters = await redis.hgetall(liveCountersKey(seeded[0].alertId, 'sms'));
    expect(Number(smsCounters.delivered ?? 0) + Number(smsCounters.undelivered ?? 0)).toBe(MEMBERS);

    // Nothing is due any more: a further round asks nobody.
    expect(await reconcilers[0].reconcileDue()).toBe(0);

    // Twilio's late callbacks afterwards change nothing: `delivered` again finds the status
    // already there, `sent` comes too late for a final status (the monotonic rule).
    const delivered = seeded[1];
    const path = `/webhooks/twilio/message-status?deliveryId=${delivered.delivery.sms}`;
    const token = providerSettingsFrom(config).twilio.authToken;
    const late = ['delivered', 'sent'].map((status) => {
      const params = { MessageSid: sidOf.get(delivered.delivery.sms)!, MessageStatus: status, AccountSid: providerSettingsFrom(config).twilio.accountSid };
      return { path, params, signature: twilioSignature(token, `${baseUrl}${path}`, params) };
    });
    const before = await redis.hgetall(liveCountersKey(delivered.alertId, 'sms'));
    expect(await postCallbacks(baseUrl, late, 1)).toEqual(new Map([[200, 2]]));
    expect((await statuses([delivered.delivery.sms])).get(delivered.delivery.sms)?.status).toBe('delivered');
    expect(await redis.hgetall(liveCountersKey(delivered.alertId, 'sms'))).toEqual(before);
  }, 90_000);

  it('ends a delivery whose real callback came while it was held in doubt and changed nothing then', async () => {
    const [s] = await seedAcceptedDeliveries(db, 1);
    const sidOf = await sendWithoutCallbacks([s]);
    const sid = sidOf.get(s.delivery.sms)!;
    // The create went unanswered: held in doubt (ADR 0038), and Twilio's final status comes meanwhile (the first member's number is undelivered).
    await db.query(`UPDATE deliveries SET status = 'planned' WHERE id = $1`, [s.delivery.sms]);
    const twilio = providerSettingsFrom(config).twilio;
    const path = `/webhooks/twilio/message-status?deliveryId=${s.delivery.sms}`;
    const params = { MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003', AccountSid: twilio.accountSid };
    expect(await postCallbacks(baseUrl, [{ path, params, signature: twilioSignature(twilio.authToken, `${baseUrl}${path}`, params) }], 1)).toEqual(new Map([[200, 1]]));
    // Applied before the 200: it left `planned` alone.
    expect((await statuses([s.delivery.sms])).get(s.delivery.sms)?.status).toBe('planned');
    // The next sender found the message at Twilio and recorded it accepted; no callback is left to come.
    await db.query(`UPDATE deliveries SET status = 'accepted', updated_at = now() - interval '10 minutes' WHERE id = $1`, [s.delivery.sms]);
    await waitFor(
      async () => (await fetch(`${sim.url}/__sim/messages`).then((r) => r.json())) as { messages: Array<{ id?: string; outcome?: string }> },
      (body) => body.messages.some((m) => m.id === sid && m.outcome !== undefined),
      { what: 'the SMS final at the simulator' },
    );

    const reconciler = new DeliveryReconciler(
      app.get(DeliveryReconciliationRepository),
      new TwilioStatusLookup(providerSettingsFrom(config)),
      app.get(StatusEventPublisher),
      SETTINGS,
    );
    expect(await reconciler.reconcileDue()).toBeGreaterThanOrEqual(1);
    const ended = await statuses([s.delivery.sms]);
    expect(ended.get(s.delivery.sms)).toMatchObject({ status: 'undelivered', reconcile_outcome: 'reported_final' });
  }, 60_000);

  it('marks nothing for a message the provider no longer knows, and says why it stopped', async () => {
    const [s] = await seedAcceptedDeliveries(db, 1);
    await db.query(`UPDATE deliveries SET provider_id = 'SM0000000000000000000000000000dead', route = 'primary', updated_at = now() - interval '10 minutes' WHERE id = $1`, [
      s.delivery.sms,
    ]);
    const reconciler = new DeliveryReconciler(
      app.get(DeliveryReconciliationRepository),
      new TwilioStatusLookup(providerSettingsFrom(config)),
      app.get(StatusEventPublisher),
      SETTINGS,
    );
    expect(await reconciler.reconcileDue()).toBe(1);
    expect((await statuses([s.delivery.sms])).get(s.delivery.sms)).toMatchObject({ status: 'accepted', reconcile_outcome: 'unknown_at_provider', reconcile_checks: 1 });
    expect(await reconciler.reconcileDue()).toBe(0);
  });

  it('asks again later when the provider does not answer, and gives up after the last lookup', async () => {
    const [s] = await seedAcceptedDeliveries(db, 1);
    await db.query(`UPDATE deliveries SET provider_id = 'SM00000000000000000000000000000abc', route = 'primary', updated_at = now() - interval '10 minutes' WHERE id = $1`, [
      s.delivery.sms,
    ]);
    const away = new TwilioStatusLookup({ twilio: { ...providerSettingsFrom(config).twilio, apiBaseUrl: 'http://127.0.0.1:1' }, twilioSecond: null });
    const reconciler = new DeliveryReconciler(app.get(DeliveryReconciliationRepository), away, app.get(StatusEventPublisher), SETTINGS);
    expect(await reconciler.reconcileDue()).toBe(1);
    expect(await reconciler.reconcileDue()).toBe(0); // not due before its wait (1 s)
    for (let check = 2; check <= SETTINGS.maxChecks; check++) {
      await waitFor(
        () => reconciler.reconcileDue(),
        (n) => n === 1,
        { what: `lookup ${check}`, timeoutMs: 10_000, intervalMs: 200 },
      );
    }
    expect((await statuses([s.delivery.sms])).get(s.delivery.sms)).toMatchObject({ status: 'accepted', reconcile_outcome: 'provider_unreachable', reconcile_checks: 3 });
  }, 30_000);
});
