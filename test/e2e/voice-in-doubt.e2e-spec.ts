import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { DeliveryJobV1 } from '@bin-alert/contracts';
import type { HandlerContext } from '@bin-alert/messaging';
import { DeliveryRepository, PlanningRepository, openDataSource } from '@bin-alert/persistence';
import { Stores, createRedis, redisStores } from '@bin-alert/platform';
import { TwilioVoiceCaller } from '@bin-alert/providers';
import { plannedAlert } from '../support/planned-alert';
import { testConfig } from '../../bench/src/support/test-config';
import { SimFixture, startSimFixture } from '../../apps/provider-sim/src/testing/sim-fixture';
import { DeliveryJobSender, DispatchSettings, LaneGate, ProviderRateLimiter, VoiceChannelSender, dispatchSettingsFrom } from '@bin-alert/dispatch';

/**
 * ADR 0038, second addendum, with the real Twilio adapter against the simulator: a member called
 * for two alerts a few seconds apart, the urgent call in doubt. A call names no delivery, so the
 * normal alert's call must not be taken for the urgent one's (benchmark database, 2026-12-06).
 */
describe('an in-doubt call among a member’s calls for other alerts', () => {
  let db: DataSource;
  let redis: Stores;
  let sim: SimFixture;
  const context = { heartbeat: async () => undefined } as unknown as HandlerContext;
  const settings: DispatchSettings = { ...dispatchSettingsFrom(testConfig()), retryPolicy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 } };

  beforeAll(async () => {
    db = await openDataSource(testConfig().DATABASE_URL, 4);
    redis = redisStores(createRedis(testConfig().REDIS_URL));
    sim = await startSimFixture();
  });
  afterAll(async () => {
    await sim?.sim.close();
    await redis?.close();
    await db?.destroy();
  });

  const job = (alertId: string, ids: string[], urgency: 'normal' | 'urgent'): DeliveryJobV1 => ({
    type: 'delivery.job',
    version: 1,
    jobId: randomUUID(),
    alertId,
    channel: 'voice',
    lane: urgency,
    deliveryIds: ids,
    content: { urgency, redistributionAllowed: true, texts: { nl: { title: 't', body: 'b' } } },
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    plannedAt: new Date().toISOString(),
  });

  const send = (alertId: string, ids: string[], urgency: 'normal' | 'urgent') => {
    const deliveries = new DeliveryRepository(db);
    const sender = new VoiceChannelSender(new TwilioVoiceCaller(sim.settings.twilio), new ProviderRateLimiter(redis.buckets), settings, deliveries);
    return new DeliveryJobSender(sender, deliveries, new PlanningRepository(db), new LaneGate(), settings, `sender-${randomUUID()}`).handle(job(alertId, ids, urgency), context);
  };

  /** A member with a normal alert's call planned, and an urgent alert's call to the same number. */
  async function memberOfTwoAlerts(): Promise<{ to: string; normal: { alertId: string; id: string }; urgent: { alertId: string; id: string } }> {
    const normal = await plannedAlert(db, 1, { channel: 'voice' });
    const [{ memberId, contactId, to }] = await db.query(
      `SELECT d.member_id AS "memberId", d.contact_point_id AS "contactId", cp.value AS "to" FROM deliveries d JOIN contact_points cp ON cp.id = d.contact_point_id WHERE d.id = $1`,
      [normal.ids[0]],
    );
    const urgent = await plannedAlert(db, [{ memberId, contactId }], {
      channel: 'voice',
      urgency: 'urgent',
      category: 'missing_person',
      texts: { nl: { title: 'Vermist', body: 'Lucas (8)' } },
    });
    return { to, normal: { alertId: normal.alertId, id: normal.ids[0] }, urgent: { alertId: urgent.alertId, id: urgent.ids[0] } };
  }

  /** The urgent delivery as an earlier sender left it: admitted to Twilio now, its create unanswered, held. */
  const inDoubt = (id: string) => db.query(`UPDATE deliveries SET call_started_at = now(), reason = 'network_error_in_doubt' WHERE id = $1`, [id]);

  const recorded = async (id: string): Promise<{ status: string; provider_id: string | null }> =>
    (await db.query(`SELECT status, provider_id FROM deliveries WHERE id = $1`, [id]))[0];

  it('calls the urgent delivery whose unanswered create never reached Twilio, though the normal alert’s call is listed', async () => {
    const { to, normal, urgent } = await memberOfTwoAlerts();
    await inDoubt(urgent.id);
    expect(await send(normal.alertId, [normal.id], 'normal')).toMatchObject({ sent: 1 });
    const normalCall = (await recorded(normal.id)).provider_id;

    expect(await send(urgent.alertId, [urgent.id], 'urgent')).toMatchObject({ sent: 1 });
    const urgentCall = await recorded(urgent.id);
    expect(urgentCall.status).toBe('accepted');
    expect(urgentCall.provider_id).not.toBe(normalCall);
    expect(
      (await sim.inbox(to))
        .filter((m) => m.channel === 'voice')
        .map((m) => m.id)
        .sort(),
    ).toEqual([normalCall, urgentCall.provider_id].sort());
  });

  it('takes the urgent delivery’s own call when it did reach Twilio, and does not call again', async () => {
    const { to, normal, urgent } = await memberOfTwoAlerts();
    await inDoubt(urgent.id);
    // The earlier sender's create reached Twilio; its answer was lost.
    const lost = await new TwilioVoiceCaller(sim.settings.twilio).call({ deliveryId: urgent.id, to, answer: { twiml: '<Response><Say>Vermist</Say></Response>' } });
    expect(await send(normal.alertId, [normal.id], 'normal')).toMatchObject({ sent: 1 });

    expect(await send(urgent.alertId, [urgent.id], 'urgent')).toMatchObject({ sent: 1 });
    expect(await recorded(urgent.id)).toEqual({ status: 'accepted', provider_id: lost.providerId });
    expect((await sim.inbox(to)).filter((m) => m.channel === 'voice')).toHaveLength(2);
  });

  it('calls now when it cannot tell whose the one listed call is: another delivery to the number is in doubt too', async () => {
    const { to, normal, urgent } = await memberOfTwoAlerts();
    await inDoubt(urgent.id);
    await inDoubt(normal.id);
    await new TwilioVoiceCaller(sim.settings.twilio).call({ deliveryId: normal.id, to, answer: { twiml: '<Response><Say>Preventie</Say></Response>' } });

    expect(await send(urgent.alertId, [urgent.id], 'urgent')).toMatchObject({ sent: 1 });
    expect((await sim.inbox(to)).filter((m) => m.channel === 'voice')).toHaveLength(2);
    expect((await recorded(urgent.id)).status).toBe('accepted');
  });
});
