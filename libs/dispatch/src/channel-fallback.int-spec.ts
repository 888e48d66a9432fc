import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { jobsTopic } from '@bin-alert/contracts';
import { Channel, Urgency, deliveryId } from '@bin-alert/domain';
import type { OutboxRelay } from '@bin-alert/messaging';
import { AlertRepository, ChannelFallbackRepository, DeliveryRepository, MemberRepository, OutboxRepository, openDataSource } from '@bin-alert/persistence';
import { aMember } from '../../../test/support/member.builder';
import { AppMetrics } from '@bin-alert/platform';
import { testConfig } from '../../../bench/src/support/test-config';
import { ChannelFallbackSweeper } from './channel-fallback.sweeper';
import { dispatchSettingsFrom } from './dispatcher.module';

/**
 * Against the real PostgreSQL: an SMS of an urgent alert that ends failed or undelivered gets
 * exactly one fallback (a call, else an e-mail), committed with its job in the outbox; a normal
 * alert, a delivered SMS and a member reached otherwise get none.
 */
describe('channel fallback of urgent alerts', () => {
  let db: DataSource;
  let members: MemberRepository;
  const relay = { start: () => undefined, stop: async () => undefined, kick: () => undefined } as unknown as OutboxRelay;
  const settings = dispatchSettingsFrom(testConfig());
  const sweeper = (metrics?: AppMetrics) =>
    new ChannelFallbackSweeper(new ChannelFallbackRepository(db, new OutboxRepository(db)), relay, settings, 60_000, () => new Date(), metrics);

  beforeAll(async () => {
    db = await openDataSource(testConfig().DATABASE_URL, 6);
    members = new MemberRepository(db);
  });
  afterAll(async () => db?.destroy());

  const unique = () => String(Math.floor(Math.random() * 1e7)).padStart(7, '0');

  async function issuedAlert(urgency: Urgency): Promise<string> {
    const alertId = randomUUID();
    await new AlertRepository(db).create(
      { id: alertId, categoryCode: 'burglary', urgency, redistributionAllowed: false, binIds: ['herdersem'], texts: { nl: { title: 'Vermist', body: 'b' } }, issuedAt: new Date() },
      null,
      { actor: null, action: 'alert.issued', target: { type: 'alert', id: alertId } },
    );
    return alertId;
  }

  /** A member of herdersem with a verified mobile and the contacts given, whose SMS of the alert ended as `sms`. */
  async function memberWhoseSms(
    alertId: string,
    sms: string,
    contacts: { phone?: boolean; email?: boolean; phoneVerified?: boolean },
    others: Partial<Record<Channel, string>> = {},
  ): Promise<string> {
    const u = unique();
    let b = aMember().speaking('fr').inBins('herdersem').withMobile(`+32472${u}`);
    if (contacts.phone) b = b.withPhone(`+3253${u}`, contacts.phoneVerified ?? true);
    if (contacts.email) b = b.withEmail(`m${u}@fallback.test`);
    const memberId = await b.save(members);
    const contactOf = async (kind: string) =>
      ((await db.query(`SELECT id FROM contact_points WHERE member_id = $1 AND kind = $2`, [memberId, kind])) as Array<{ id: string }>)[0]?.id ?? null;
    const rows: Array<[Channel, string]> = [['sms', sms], ...(Object.entries(others) as Array<[Channel, string]>)];
    for (const [channel, status] of rows) {
      const kind = { sms: 'mobile', voice: 'phone', email: 'email' }[channel];
      await new DeliveryRepository(db).recordDecisions(alertId, [
        status === 'suppressed'
          ? { send: false, memberId, channel, reason: 'opted_out' }
          : { send: true, memberId, channel, contactId: (await contactOf(kind)) as string, language: 'fr' },
      ]);
      await db.query(`UPDATE deliveries SET status = $2, updated_at = now() WHERE id = $1`, [deliveryId(alertId, memberId, channel), status]);
    }
    return memberId;
  }

  const row = async (alertId: string, memberId: string, channel: Channel) =>
    (
      (await db.query(`SELECT status, reason, origin, fallback, contact_point_id IS NOT NULL AS has_contact, language FROM deliveries WHERE id = $1`, [
        deliveryId(alertId, memberId, channel),
      ])) as Array<Record<string, unknown>>
    )[0];

  const jobsOf = async (alertId: string) => {
    const records: Array<{ topic: string; payload: { deliveryIds: string[]; lane: string } }> = await db.query(`SELECT topic, payload FROM outbox WHERE payload->>'alertId' = $1`, [
      alertId,
    ]);
    return records.map((r) => ({ topic: r.topic, lane: r.payload.lane, deliveryIds: r.payload.deliveryIds }));
  };

  it('calls whoever has a verified phone, e-mails whoever has only an e-mail, and says why the others got nothing', async () => {
    const alertId = await issuedAlert('urgent');
    const called = await memberWhoseSms(alertId, 'undelivered', { phone: true, email: true });
    const mailed = await memberWhoseSms(alertId, 'failed', { email: true });
    const unconfirmedPhone = await memberWhoseSms(alertId, 'undelivered', { phone: true, phoneVerified: false, email: true });
    const nothingElse = await memberWhoseSms(alertId, 'undelivered', {});
    const alreadyMailed = await memberWhoseSms(alertId, 'undelivered', { phone: true, email: true }, { email: 'accepted' });
    const callsOff = await memberWhoseSms(alertId, 'undelivered', { phone: true }, { voice: 'suppressed' });
    const delivered = await memberWhoseSms(alertId, 'delivered', { phone: true, email: true });

    expect(await sweeper().decideDue()).toBeGreaterThanOrEqual(6);

    expect(await row(alertId, called, 'voice')).toMatchObject({ status: 'planned', reason: null, origin: 'fallback_from_sms', has_contact: true, language: 'fr' });
    expect(await row(alertId, called, 'sms')).toMatchObject({ status: 'undelivered', fallback: 'voice' });
    expect(await row(alertId, called, 'email')).toBeUndefined();
    expect(await row(alertId, mailed, 'email')).toMatchObject({ status: 'planned', origin: 'fallback_from_sms' });
    expect(await row(alertId, mailed, 'sms')).toMatchObject({ fallback: 'email' });
    expect(await row(alertId, unconfirmedPhone, 'email')).toMatchObject({ status: 'planned', origin: 'fallback_from_sms' });
    expect(await row(alertId, unconfirmedPhone, 'voice')).toBeUndefined();
    expect(await row(alertId, nothingElse, 'sms')).toMatchObject({ fallback: 'no_fallback_contact' });
    expect(await row(alertId, alreadyMailed, 'sms')).toMatchObject({ fallback: 'already_reached' });
    expect(await row(alertId, alreadyMailed, 'voice')).toBeUndefined();
    // Calls off for the category: the planned row's suppression gives way to the fallback.
    expect(await row(alertId, callsOff, 'voice')).toMatchObject({ status: 'planned', reason: null, origin: 'fallback_from_sms', has_contact: true });
    expect(await row(alertId, delivered, 'sms')).toMatchObject({ status: 'delivered', fallback: null });
    expect(await row(alertId, delivered, 'voice')).toBeUndefined();

    // Each fallback's job is on its channel's urgent lane, committed with it.
    const jobs = await jobsOf(alertId);
    const idsOn = (channel: Channel) =>
      jobs
        .filter((j) => j.topic === jobsTopic(channel, 'urgent'))
        .flatMap((j) => j.deliveryIds)
        .sort();
    expect(jobs.every((j) => j.lane === 'urgent')).toBe(true);
    expect(idsOn('voice')).toEqual([deliveryId(alertId, called, 'voice'), deliveryId(alertId, callsOff, 'voice')].sort());
    expect(idsOn('email')).toEqual([deliveryId(alertId, mailed, 'email'), deliveryId(alertId, unconfirmedPhone, 'email')].sort());
  });

  it('decides each failed SMS once, also with two sweepers at once and after a pass that died before its commit', async () => {
    const alertId = await issuedAlert('urgent');
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await memberWhoseSms(alertId, 'undelivered', { email: true }));

    // A pass that fails after writing its rows (here: making its jobs) leaves nothing behind.
    const crashing = new ChannelFallbackRepository(db, new OutboxRepository(db));
    await expect(
      crashing.sweep(new Date(), 500, () => {
        throw new Error('killed mid-pass');
      }),
    ).rejects.toThrow('killed mid-pass');
    expect(await row(alertId, ids[0], 'email')).toBeUndefined();
    expect(await row(alertId, ids[0], 'sms')).toMatchObject({ fallback: null });

    await Promise.all([sweeper().decideDue(), sweeper().decideDue(), sweeper().decideDue()]);
    await sweeper().decideDue();
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE alert_id = $1 AND channel = 'email' AND origin = 'fallback_from_sms'`, [alertId]);
    expect(n).toBe(30);
    const mailedIds = (await jobsOf(alertId)).flatMap((j) => j.deliveryIds);
    expect(mailedIds.sort()).toEqual(ids.map((m) => deliveryId(alertId, m, 'email')).sort());
  });

  it('gives a normal alert no fallback, and records why, also for ops', async () => {
    const alertId = await issuedAlert('normal');
    const memberId = await memberWhoseSms(alertId, 'undelivered', { phone: true, email: true });
    const metrics = new AppMetrics('dispatcher-sms');
    await sweeper(metrics).decideDue();
    expect(await metrics.scrape()).toMatch(/^bin_sms_fallbacks_total\{[^}]*outcome="not_urgent"[^}]*\} [1-9]\d*$/m);
    expect(await row(alertId, memberId, 'sms')).toMatchObject({ fallback: 'not_urgent' });
    expect(await row(alertId, memberId, 'voice')).toBeUndefined();
    expect(await jobsOf(alertId)).toEqual([]);
  });
});
