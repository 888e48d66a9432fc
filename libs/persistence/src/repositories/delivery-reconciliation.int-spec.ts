import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { seedAcceptedDeliveries } from '../../../../bench/src/support/accepted-deliveries';
import { TEST_DATABASE_URL } from '../../../../bench/src/support/test-config';
import { resetDatabase } from '../../../../test/support/reset-infrastructure';
import { openDataSource } from '../data-source';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryReconciliationRepository } from './delivery-reconciliation.repository';

/** A database of its own: the walk and the claim look at every delivery, and other suites leave theirs accepted. */
const DATABASE_URL = TEST_DATABASE_URL.replace(/\/[^/?]+(\?|$)/, '/bin_alert_reconcile_walk$1');
const AFTER_SECONDS = 60;

/**
 * How the reconciler finds the SMS and calls to look up without an index entry per callback (ADR
 * 0062): a walk in acceptance order opens those not final, the claim takes the open ones.
 */
describe('reconciliation: the walk over accepted deliveries', () => {
  let db: DataSource;
  let repository: DeliveryReconciliationRepository;

  beforeAll(async () => {
    await resetDatabase(DATABASE_URL);
    db = await openDataSource(DATABASE_URL, 2);
    repository = new DeliveryReconciliationRepository(db);
  });

  afterAll(async () => {
    await db?.destroy();
  });

  const reconcileAt = async (ids: string[]): Promise<Array<Date | null>> => {
    const rows: Array<{ id: string; reconcile_at: Date | null }> = await db.query(`SELECT id, reconcile_at FROM deliveries WHERE id = ANY($1::uuid[])`, [ids]);
    const of = new Map(rows.map((r) => [r.id, r.reconcile_at]));
    return ids.map((id) => of.get(id) ?? null);
  };

  it('opens what is not final once accepted long enough ago, passes the final ones, and reads each once', async () => {
    const members = await seedAcceptedDeliveries(db, 3);
    const [done, lost, sent] = members.map((m) => m.delivery);
    // Accepted ten minutes ago: `done` got its final callbacks, `lost` none, `sent` stopped at sent.
    await db.query(`UPDATE deliveries SET provider_id = 'P-' || id, accepted_at = now() - interval '10 minutes', updated_at = now() - interval '10 minutes' WHERE alert_id = $1`, [
      members[0].alertId,
    ]);
    await db.query(`UPDATE deliveries SET status = 'delivered' WHERE id = ANY($1::uuid[])`, [[done.sms, done.voice]]);
    await db.query(`UPDATE deliveries SET status = 'sent' WHERE id = ANY($1::uuid[])`, [[sent.sms, sent.voice]]);

    // E-mail is not walked (SendGrid cannot be asked): three members' SMS and calls.
    expect(await repository.openAccepted(AFTER_SECONDS, 100)).toEqual({ read: 6, passed: 6, opened: 4 });
    expect((await reconcileAt([done.sms, done.voice, done.email, lost.email])).every((at) => at === null)).toBe(true);
    const open = [lost.sms, lost.voice, sent.sms, sent.voice];
    const claimed = await repository.claimDue(100, AFTER_SECONDS, 120);
    expect(claimed.map((c) => c.id).sort()).toEqual([...open].sort());
    expect(claimed.every((c) => c.check === 1)).toBe(true);

    // The cursor moved past them: the next walk reads nothing.
    expect(await repository.openAccepted(AFTER_SECONDS, 100)).toEqual({ read: 0, passed: 0, opened: 0 });
  });

  it('keeps its cursor behind recent acceptances, and comes back to them', async () => {
    const members = await seedAcceptedDeliveries(db, 1);
    const [{ delivery }] = members;
    await db.query(`UPDATE deliveries SET provider_id = 'P-' || id WHERE alert_id = $1`, [members[0].alertId]);
    // Accepted just now, nothing since: not passed, not opened (the callbacks are still to come).
    expect(await repository.openAccepted(AFTER_SECONDS, 100)).toEqual({ read: 2, passed: 0, opened: 0 });
    expect(await repository.claimDue(100, AFTER_SECONDS, 120)).toEqual([]);
    // Later (the clock moved on by ten minutes): the SMS's callbacks never came, the call ended.
    await db.query(`UPDATE deliveries SET accepted_at = accepted_at - interval '10 minutes', updated_at = now() - interval '10 minutes' WHERE alert_id = $1`, [members[0].alertId]);
    await db.query(`UPDATE deliveries SET status = 'delivered' WHERE id = $1`, [delivery.voice]);
    expect(await repository.openAccepted(AFTER_SECONDS, 100)).toEqual({ read: 2, passed: 2, opened: 1 });
    expect((await repository.claimDue(100, AFTER_SECONDS, 120)).map((c) => c.id)).toEqual([delivery.sms]);
  });

  it('closes an open reconciliation whose final callback came late, and claims nothing for it', async () => {
    const members = await seedAcceptedDeliveries(db, 1);
    const [{ delivery }] = members;
    await db.query(`UPDATE deliveries SET provider_id = 'P-' || id, accepted_at = now() - interval '10 minutes', updated_at = now() - interval '10 minutes' WHERE alert_id = $1`, [
      members[0].alertId,
    ]);
    expect(await repository.openAccepted(AFTER_SECONDS, 100)).toEqual({ read: 2, passed: 2, opened: 2 });
    await db.query(`UPDATE deliveries SET status = 'delivered' WHERE id = $1`, [delivery.sms]);
    await repository.openAccepted(AFTER_SECONDS, 100);
    expect(await reconcileAt([delivery.sms])).toEqual([null]);
    expect((await repository.claimDue(100, AFTER_SECONDS, 120)).map((c) => c.id)).toEqual([delivery.voice]);
  });

  it('an acceptance recorded long after the provider answered opens its reconciliation itself', async () => {
    const members = await seedAcceptedDeliveries(db, 2, { status: 'planned' });
    const [slow, quick] = members.map((m) => m.delivery.sms);
    const deliveries = new DeliveryRepository(db);
    await deliveries.claim([slow, quick], 'sender-a', 60_000, { admit: true });
    // A chunk that took two minutes: its first SMS was answered 90 s before the outcomes' write.
    await db.query(`UPDATE deliveries SET claimed_at = now() - interval '2 minutes' WHERE id = ANY($1::uuid[])`, [[slow, quick]]);
    const written = await deliveries.recordOutcomes(
      [
        { id: slow, status: 'accepted', providerId: 'SM-slow', acceptedAt: new Date(Date.now() - 90_000) },
        { id: quick, status: 'accepted', providerId: 'SM-quick', acceptedAt: new Date() },
      ],
      'sender-a',
    );
    expect(written.sort()).toEqual([slow, quick].sort());
    const [slowAt, quickAt] = await reconcileAt([slow, quick]);
    expect(slowAt).not.toBeNull();
    expect(quickAt).toBeNull();
  });
});
