import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { DeliveryJobV1 } from '@bin-alert/contracts';
import type { Channel } from '@bin-alert/domain';
import type { HandlerContext } from '@bin-alert/messaging';
import { DeliveryRepository, PlanningRepository, openDataSource } from '@bin-alert/persistence';
import { Stores, createRedis, redisStores } from '@bin-alert/platform';
import { EmailBatch, ProviderError, SmsMessage, SmsSender, VoiceCall } from '@bin-alert/providers';
import { deliveryStatuses, plannedAlert as plannedChannelAlert } from '../../../test/support/planned-alert';
import { testConfig } from '../../../bench/src/support/test-config';
import { DeliveryJobSender } from './delivery-job.sender';
import { dispatchSettingsFrom } from './dispatcher.module';
import { DispatchSettings } from './dispatch-settings';
import { EmailChannelSender } from './email-channel.sender';
import { LaneGate } from './lane-gate';
import { ProviderRateLimiter } from './provider-rate-limiter';
import { SmsChannelSender } from './sms-channel.sender';
import { VoiceChannelSender } from './voice-channel.sender';
import { SmsRoutes } from './sms-routes';

/** A promise and the function that settles it: a provider call or a token wait the test lets go. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

async function until(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * ADR 0025 on the real PostgreSQL and Redis: two senders of one job, a lease that runs out while
 * the first still works, a rate limiter whose Redis is away, a provider down past the retry policy.
 */
describe('the send fence and held deliveries', () => {
  let db: DataSource;
  let redis: Stores;
  const context = { heartbeat: async () => undefined } as unknown as HandlerContext;
  /** A short lease, so that it runs out within a test; a quick retry policy. */
  const settings: DispatchSettings = { ...dispatchSettingsFrom(testConfig()), leaseMs: 1_500, retryPolicy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 } };
  const deliveries = () => new DeliveryRepository(db);
  const smsRoute = (sender: SmsSender) => SmsRoutes.single(sender, { name: `twilio:messages:${settings.twilioFromNumber}`, perSecond: settings.twilioMessagesPerSecond });

  beforeAll(async () => {
    db = await openDataSource(testConfig().DATABASE_URL, 4);
    redis = redisStores(createRedis(testConfig().REDIS_URL));
  });
  afterAll(async () => {
    await redis?.close();
    await db?.destroy();
  });

  const plannedAlert = (channel: Channel, members: number) => plannedChannelAlert(db, members, { channel });

  const job = (alertId: string, channel: Channel, deliveryIds: string[]): DeliveryJobV1 => ({
    type: 'delivery.job',
    version: 1,
    jobId: randomUUID(),
    alertId,
    channel,
    lane: 'normal',
    deliveryIds,
    content: { urgency: 'normal', redistributionAllowed: true, texts: { nl: { title: 't', body: 'b' } } },
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    plannedAt: new Date().toISOString(),
  });

  const jobSender = (sender: SmsChannelSender | EmailChannelSender | VoiceChannelSender, holder: string) =>
    new DeliveryJobSender(sender, deliveries(), new PlanningRepository(db), new LaneGate(), settings, holder);

  const statuses = (alertId: string) => deliveryStatuses(db, alertId);

  /** Twilio as the senders see it: accepts, and lists what it accepted. */
  function twilio() {
    const accepted: SmsMessage[] = [];
    return {
      accepted,
      send: async (m: SmsMessage) => {
        accepted.push(m);
        return { providerId: `SM${accepted.length}` };
      },
      listSent: async ({ to }: { to: string }) => accepted.filter((m) => m.to === to).map((m, i) => ({ sid: `SM-earlier-${i}`, body: m.body })),
    };
  }

  it('a sender whose lease ran out while it waited for tokens sends nothing the new holder took over', async () => {
    const { alertId, ids } = await plannedAlert('sms', 3);
    const provider = twilio();
    const tokens = gate();
    // A waits for tokens (a saturated shared limit, a starved process) until its lease has run out.
    const slowLimiter = { acquire: () => tokens.opened } as unknown as ProviderRateLimiter;
    const a = jobSender(new SmsChannelSender(smsRoute(provider), slowLimiter, settings), 'sender-a').handle(job(alertId, 'sms', ids), context);
    await until(async () => (await statuses(alertId)).sending === 3);
    // B gets the same job (a rebalance), waits out A's lease, takes the deliveries over and sends them.
    const b = await jobSender(new SmsChannelSender(smsRoute(provider), new ProviderRateLimiter(redis.buckets), settings), 'sender-b').handle(job(alertId, 'sms', ids), context);
    expect(b).toMatchObject({ sent: 3 });
    tokens.open();
    expect(await a).toMatchObject({ sent: 0, failed: 0 });
    expect(provider.accepted.map((m) => m.deliveryId).sort()).toEqual([...ids].sort());
    expect(await statuses(alertId)).toEqual({ accepted: 3 });
  });

  it('asks for another sender’s lease only about deliveries it did not settle itself', async () => {
    const repository = deliveries();
    const leaseQuery = jest.spyOn(repository, 'foreignLeaseEnd');
    const sender = () =>
      new DeliveryJobSender(
        new SmsChannelSender(smsRoute(twilio()), new ProviderRateLimiter(redis.buckets), settings),
        repository,
        new PlanningRepository(db),
        new LaneGate(),
        settings,
        'sender-a',
      );
    const all = await plannedAlert('sms', 3);
    expect(await sender().handle(job(all.alertId, 'sms', all.ids), context)).toMatchObject({ sent: 3 });
    expect(leaseQuery).not.toHaveBeenCalled();
    // One of them is in another sender's hands (it died holding it): that one is waited for, and taken over.
    const { alertId, ids } = await plannedAlert('sms', 3);
    await repository.claim([ids[1]], 'sender-b', settings.leaseMs);
    expect(await sender().handle(job(alertId, 'sms', ids), context)).toMatchObject({ sent: 3 });
    expect(leaseQuery.mock.calls.map(([asked]) => asked)).toEqual([[ids[1]]]);
    expect(await statuses(alertId)).toEqual({ accepted: 3 });
  });

  it('admits SMS and calls by their claim: no renewal of their own when the call follows within the window', async () => {
    const repository = deliveries();
    const renewals = jest.spyOn(repository, 'admitToProvider');
    const sms = await plannedAlert('sms', 3);
    const provider = twilio();
    const inDoubtAtCall: number[] = [];
    const checking = {
      ...provider,
      send: async (m: SmsMessage) => {
        inDoubtAtCall.push(await callStarted([m.deliveryId]));
        return provider.send(m);
      },
    };
    const smsSender = new SmsChannelSender(smsRoute(checking), new ProviderRateLimiter(redis.buckets), settings);
    expect(
      await new DeliveryJobSender(smsSender, repository, new PlanningRepository(db), new LaneGate(), settings, 'sender-a').handle(job(sms.alertId, 'sms', sms.ids), context),
    ).toMatchObject({ sent: 3 });
    // Each call went out marked as possibly with the provider, and the outcome cleared the mark.
    expect(inDoubtAtCall).toEqual([1, 1, 1]);
    expect(await callStarted(sms.ids)).toBe(0);
    const voice = await plannedAlert('voice', 2);
    const calls = { call: async (c: VoiceCall) => ({ providerId: `CA${c.deliveryId}` }), listPlaced: async () => [] };
    const voiceSender = new VoiceChannelSender(calls, new ProviderRateLimiter(redis.buckets), settings, deliveries());
    expect(
      await new DeliveryJobSender(voiceSender, repository, new PlanningRepository(db), new LaneGate(), settings, 'sender-a').handle(
        job(voice.alertId, 'voice', voice.ids),
        context,
      ),
    ).toMatchObject({ sent: 2 });
    expect(renewals).not.toHaveBeenCalled();
  });

  it('leaves in doubt the SMS of a sender that died between its claim and its calls: the next holder asks Twilio first', async () => {
    const { alertId, ids } = await plannedAlert('sms', 2);
    await deliveries().claim(ids, 'sender-a', settings.leaseMs, { admit: true });
    const provider = twilio();
    const asked: string[] = [];
    const asking = {
      ...provider,
      listSent: async (query: { to: string; since: Date }) => {
        asked.push(query.to);
        return provider.listSent(query);
      },
    };
    // B gets the job after A died: it waits out A's lease, asks Twilio about each, finds nothing and sends.
    expect(
      await jobSender(new SmsChannelSender(smsRoute(asking), new ProviderRateLimiter(redis.buckets), settings), 'sender-b').handle(job(alertId, 'sms', ids), context),
    ).toMatchObject({
      sent: 2,
    });
    expect(asked).toHaveLength(2);
    expect(provider.accepted.map((m) => m.deliveryId).sort()).toEqual([...ids].sort());
    expect(await statuses(alertId)).toEqual({ accepted: 2 });
  });

  it('an e-mail sender that waited for its chunk’s tokens past its lease sends nothing, and leaves nothing in doubt for the new holder', async () => {
    const { alertId, ids } = await plannedAlert('email', 3);
    const batches: EmailBatch[] = [];
    const provider = {
      sendBatch: async (batch: EmailBatch) => {
        batches.push(batch);
        return { providerId: `sg-${batches.length}` };
      },
    };
    const tokens = gate();
    // A claims and then waits for the chunk's tokens until its lease has run out: the chunk's one
    // admission comes after the tokens, so nothing of A's is marked as possibly with SendGrid.
    const slowLimiter = { acquire: () => tokens.opened } as unknown as ProviderRateLimiter;
    const a = jobSender(new EmailChannelSender(provider, slowLimiter, settings), 'sender-a').handle(job(alertId, 'email', ids), context);
    await until(async () => (await statuses(alertId)).sending === 3);
    const b = await jobSender(new EmailChannelSender(provider, new ProviderRateLimiter(redis.buckets), settings), 'sender-b').handle(job(alertId, 'email', ids), context);
    expect(b).toMatchObject({ sent: 3 });
    tokens.open();
    expect(await a).toMatchObject({ sent: 0, failed: 0 });
    expect(batches.flatMap((x) => x.recipients.map((r) => r.deliveryId)).sort()).toEqual([...ids].sort());
    expect(await statuses(alertId)).toEqual({ accepted: 3 });
  });

  it('an e-mail taken over while its earlier holder may have called SendGrid is not sent again, and says why', async () => {
    const { alertId, ids } = await plannedAlert('email', 2);
    const batches: EmailBatch[] = [];
    const answer = gate();
    // A's request reaches SendGrid and hangs past its lease (no answer yet); B then takes the batch over.
    const hanging = {
      sendBatch: async (batch: EmailBatch) => {
        batches.push(batch);
        await answer.opened;
        return { providerId: 'sg-a' };
      },
    };
    const limiter = new ProviderRateLimiter(redis.buckets);
    const a = jobSender(new EmailChannelSender(hanging, limiter, settings), 'sender-a').handle(job(alertId, 'email', ids), context);
    await until(async () => batches.length === 1);
    const quick = {
      sendBatch: async (batch: EmailBatch) => {
        batches.push(batch);
        return { providerId: 'sg-b' };
      },
    };
    const b = await jobSender(new EmailChannelSender(quick, limiter, settings), 'sender-b').handle(job(alertId, 'email', ids), context);
    expect(b).toMatchObject({ sent: 0, failed: 0 });
    expect(batches).toHaveLength(1);
    expect(await statuses(alertId)).toEqual({ 'sending:in_doubt_not_resent': 2 });
    // SendGrid's answer to A's call settles them after all.
    answer.open();
    expect(await a).toMatchObject({ sent: 2 });
    expect(await statuses(alertId)).toEqual({ accepted: 2 });
  });

  it('holds SMS while the rate limiter’s Redis does not answer, and sends them once it does', async () => {
    const { alertId, ids } = await plannedAlert('sms', 2);
    const provider = twilio();
    // A Redis client pointed at a closed port: the shared Redis is never stopped.
    const away = redisStores(createRedis('redis://127.0.0.1:1'));
    try {
      const summary = await jobSender(new SmsChannelSender(smsRoute(provider), new ProviderRateLimiter(away.buckets), settings), 'sender-a').handle(
        job(alertId, 'sms', ids),
        context,
      );
      expect(summary).toMatchObject({ sent: 0, failed: 0, held: 2 });
    } finally {
      await away.close().catch(() => undefined);
    }
    expect(provider.accepted).toEqual([]);
    expect(await statuses(alertId)).toEqual({ 'planned:rate_limiter_unavailable_after_3_attempts': 2 });
    const [{ due }] = await db.query(`SELECT bool_and(deferred_until > now()) AS due FROM deliveries WHERE alert_id = $1`, [alertId]);
    expect(due).toBe(true);
    // The releaser emits them once the hold ends; with Redis back, they go out.
    const released: string[] = [];
    await deliveries().releaseDeferred(
      'sms',
      new Date(Date.now() + 3_600_000),
      1000,
      async (rows) => void released.push(...rows.filter((r) => ids.includes(r.id)).map((r) => r.id)),
    );
    expect(released.sort()).toEqual([...ids].sort());
    expect(
      await jobSender(new SmsChannelSender(smsRoute(provider), new ProviderRateLimiter(redis.buckets), settings), 'sender-b').handle(job(alertId, 'sms', released), context),
    ).toMatchObject({ sent: 2 });
    expect(await statuses(alertId)).toEqual({ accepted: 2 });
  });

  it('holds SMS while Twilio answers 503 for longer than the retry policy, instead of failing them', async () => {
    const { alertId, ids } = await plannedAlert('sms', 2);
    const down = {
      send: async (): Promise<never> => {
        throw new ProviderError('twilio', { httpStatus: 503 });
      },
      listSent: async () => [],
    };
    const summary = await jobSender(new SmsChannelSender(smsRoute(down), new ProviderRateLimiter(redis.buckets), settings), 'sender-a').handle(job(alertId, 'sms', ids), context);
    expect(summary).toMatchObject({ sent: 0, failed: 0, held: 2 });
    expect(await statuses(alertId)).toEqual({ 'planned:provider_unavailable_503_after_3_attempts': 2 });
  });

  /** A create that reached the provider and whose answer never came back: axios's timeout after 30 s on a saturated machine. */
  const unanswered = (provider: 'twilio' | 'sendgrid' = 'twilio') => new ProviderError(provider, { transportCode: 'ECONNABORTED' });
  const callStarted = async (ids: string[]) => (await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE id = ANY($1::uuid[]) AND call_started_at IS NOT NULL`, [ids]))[0].n;

  it('holds an SMS whose create got no answer, and its next sender finds it at Twilio instead of sending it again', async () => {
    const { alertId, ids } = await plannedAlert('sms', 2);
    const provider = twilio();
    let firstCall = true;
    // The first create reaches Twilio, which accepts it; its answer never comes back.
    const timingOut = {
      ...provider,
      send: async (m: SmsMessage) => {
        const accepted = await provider.send(m);
        if (!firstCall) return accepted;
        firstCall = false;
        throw unanswered();
      },
    };
    const limiter = new ProviderRateLimiter(redis.buckets);
    expect(await jobSender(new SmsChannelSender(smsRoute(timingOut), limiter, settings), 'sender-a').handle(job(alertId, 'sms', ids), context)).toMatchObject({ sent: 1, held: 1 });
    expect(await statuses(alertId)).toEqual({ accepted: 1, 'planned:network_error_in_doubt': 1 });
    expect(provider.accepted).toHaveLength(2);
    // Released after the hold: the next sender asks Twilio first, finds it, and sends nothing.
    expect(await jobSender(new SmsChannelSender(smsRoute(provider), limiter, settings), 'sender-b').handle(job(alertId, 'sms', ids), context)).toMatchObject({ sent: 1 });
    expect(provider.accepted.map((m) => m.deliveryId).sort()).toEqual([...ids].sort());
    expect(await statuses(alertId)).toEqual({ accepted: 2 });
  });

  it('holds a call whose create got no answer, and its next sender finds it at Twilio instead of calling again', async () => {
    const { alertId, ids } = await plannedAlert('voice', 2);
    const placed: VoiceCall[] = [];
    const timingOut = {
      call: async (c: VoiceCall) => {
        placed.push(c);
        if (placed.length === 1) throw unanswered();
        return { providerId: `CA${placed.length}` };
      },
      listPlaced: async ({ to }: { to: string }) => (placed.some((c) => c.to === to) ? ['CA-earlier'] : []),
    };
    const limiter = new ProviderRateLimiter(redis.buckets);
    expect(await jobSender(new VoiceChannelSender(timingOut, limiter, settings, deliveries()), 'sender-a').handle(job(alertId, 'voice', ids), context)).toMatchObject({
      sent: 1,
      held: 1,
    });
    expect(await jobSender(new VoiceChannelSender(timingOut, limiter, settings, deliveries()), 'sender-b').handle(job(alertId, 'voice', ids), context)).toMatchObject({ sent: 1 });
    expect(placed.map((c) => c.deliveryId).sort()).toEqual([...ids].sort());
  });

  it('holds with its own doubt an SMS whose create got no answer, even when no earlier holder left one', async () => {
    const { alertId, ids } = await plannedAlert('sms', 2);
    const attempts: string[] = [];
    const silent = {
      send: async (m: SmsMessage): Promise<never> => {
        attempts.push(m.deliveryId);
        throw unanswered();
      },
      listSent: async () => [],
    };
    const limiter = new ProviderRateLimiter(redis.buckets);
    expect(await jobSender(new SmsChannelSender(smsRoute(silent), limiter, settings), 'sender-a').handle(job(alertId, 'sms', ids), context)).toMatchObject({
      sent: 0,
      failed: 0,
      held: 2,
    });
    expect(attempts).toHaveLength(2);
    expect(await statuses(alertId)).toEqual({ 'planned:network_error_in_doubt': 2 });
    expect(await callStarted(ids)).toBe(2);
    // Twilio never got them: the next sender asks, finds nothing and sends them.
    const provider = twilio();
    expect(await jobSender(new SmsChannelSender(smsRoute(provider), limiter, settings), 'sender-b').handle(job(alertId, 'sms', ids), context)).toMatchObject({ sent: 2 });
    expect(provider.accepted).toHaveLength(2);
  });

  it('sends again an e-mail batch whose request got no answer: SendGrid cannot be asked', async () => {
    const { alertId, ids } = await plannedAlert('email', 2);
    const batches: EmailBatch[] = [];
    // A keep-alive connection SendGrid had closed: reset before the request was read.
    const resetOnce = {
      sendBatch: async (batch: EmailBatch) => {
        batches.push(batch);
        if (batches.length === 1) throw unanswered('sendgrid');
        return { providerId: 'sg' };
      },
    };
    const summary = await jobSender(new EmailChannelSender(resetOnce, new ProviderRateLimiter(redis.buckets), settings), 'sender-a').handle(job(alertId, 'email', ids), context);
    expect(summary).toMatchObject({ sent: 2, held: 0 });
    expect(batches).toHaveLength(2);
    expect(await statuses(alertId)).toEqual({ accepted: 2 });
  });

  it('records each acceptance when the provider answered it, not when the chunk’s slowest call let its outcomes be written (ADR 0057)', async () => {
    const { alertId, ids } = await plannedAlert('sms', 2);
    const slow = gate();
    const answered: string[] = [];
    let calls = 0;
    const provider = {
      send: async (m: SmsMessage) => {
        calls++;
        if (calls === 2) await slow.opened;
        answered.push(m.deliveryId);
        return { providerId: `SM-${m.deliveryId}` };
      },
      listSent: async () => [],
    };
    const sending = jobSender(new SmsChannelSender(smsRoute(provider), new ProviderRateLimiter(redis.buckets), settings), 'sender-a').handle(job(alertId, 'sms', ids), context);
    // Both calls of the one chunk are made; the first is answered, the second not yet.
    await until(async () => calls === 2 && answered.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    const slowOneLetGo = new Date();
    slow.open();
    expect(await sending).toMatchObject({ sent: 2 });
    const rows: Array<{ id: string; accepted_at: Date; claimed_at: Date }> = await db.query(`SELECT id, accepted_at, claimed_at FROM deliveries WHERE id = ANY($1::uuid[])`, [ids]);
    const at = new Map(rows.map((r) => [r.id, r]));
    const [quick, late] = answered.map((id) => at.get(id)!);
    // One chunk, one outcome write: the quick one's acceptance is still its own answer's time.
    expect(quick.accepted_at.getTime()).toBeLessThan(slowOneLetGo.getTime());
    expect(late.accepted_at.getTime()).toBeGreaterThanOrEqual(slowOneLetGo.getTime());
    for (const r of rows) expect(r.accepted_at.getTime()).toBeGreaterThanOrEqual(r.claimed_at.getTime());
  });

  it('counts a send whose own callback moved it on before the outcome was written, and its route, and not one another sender holds', async () => {
    const { ids } = await plannedAlert('sms', 2);
    const [ours, theirs] = ids;
    await deliveries().claim(ids, 'sender-a', 60_000);
    // The provider's callback got to the tracker first (sending → delivered); the other was taken over.
    await db.query(`UPDATE deliveries SET status = 'delivered', provider_id = 'SM1' WHERE id = $1`, [ours]);
    await db.query(`UPDATE deliveries SET claimed_by = 'sender-b' WHERE id = $1`, [theirs]);
    const written = await deliveries().recordOutcomes(
      ids.map((id) => ({ id, status: 'accepted' as const, providerId: 'SM1', route: 'secondary' })),
      'sender-a',
    );
    expect(written).toEqual([ours]);
    // The callback cannot tell which route carried it: the sender's outcome still records it.
    const routes: Array<{ id: string; route: string | null }> = await db.query(`SELECT id, route FROM deliveries WHERE id = ANY($1::uuid[])`, [ids]);
    expect(Object.fromEntries(routes.map((r) => [r.id, r.route]))).toEqual({ [ours]: 'secondary', [theirs]: null });
  });
});
