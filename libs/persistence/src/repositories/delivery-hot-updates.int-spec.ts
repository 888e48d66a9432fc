import 'reflect-metadata';
import { DataSource, EntityManager } from 'typeorm';
import { CHANNELS, Channel, TrackedDeliveryStatus } from '@bin-alert/domain';
import { seedAcceptedDeliveries } from '../../../../bench/src/support/accepted-deliveries';
import { testConfig } from '../../../../bench/src/support/test-config';
import { openDataSource } from '../data-source';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryTrackingRepository } from './delivery-tracking.repository';

/**
 * The frequent writes of a delivery's life are HOT updates (ADR 0046): no index of deliveries
 * names a column they change, so PostgreSQL writes the new row version beside the old one and
 * adds no index entry. Counted by pg_stat_xact_user_tables, each step in its own transaction.
 */
describe('deliveries: status changes as HOT updates', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = await openDataSource(testConfig().DATABASE_URL, 2);
  });

  afterAll(async () => {
    await db?.destroy();
  });

  /**
   * Runs `write` with the repositories on one transaction; returns the rows it updated, and how
   * many of them were HOT. The counters also hold the backend's earlier transactions not yet
   * flushed, hence the difference.
   */
  async function updates(write: (repos: { deliveries: DeliveryRepository; tracking: DeliveryTrackingRepository }) => Promise<unknown>) {
    return db.transaction(async (tx: EntityManager) => {
      const counters = async () =>
        (
          (await tx.query(`SELECT n_tup_upd::int AS updated, n_tup_hot_upd::int AS hot FROM pg_stat_xact_user_tables WHERE relname = 'deliveries'`)) as Array<{
            updated: number;
            hot: number;
          }>
        )[0];
      const before = await counters();
      const onTx = tx as unknown as DataSource;
      await write({ deliveries: new DeliveryRepository(onTx), tracking: new DeliveryTrackingRepository(onTx) });
      const after = await counters();
      return { updated: after.updated - before.updated, hot: after.hot - before.hot };
    });
  }

  const callback = (deliveryId: string, channel: Channel, status: TrackedDeliveryStatus) => ({
    deliveryId,
    channel,
    status,
    providerStatus: status,
    acknowledged: false,
    occurredAt: new Date(),
  });

  it('a claim, an admission, and the callbacks that keep a delivery in its set change no indexed column', async () => {
    const members = await seedAcceptedDeliveries(db, 2, { status: 'planned' });
    const ids = (channel: Channel) => members.map((m) => m.delivery[channel]);
    const all = CHANNELS.flatMap(ids);

    // The claim (planned -> sending), SMS and calls admitted with it (ADR 0043): HOT.
    expect(
      await updates(async ({ deliveries }) => {
        await deliveries.claim([...ids('sms'), ...ids('voice')], 'sender-a', 60_000, { admit: true });
        await deliveries.claim(ids('email'), 'sender-a', 60_000);
      }),
    ).toEqual({ updated: all.length, hot: all.length });
    // E-mail's admission right before its request: HOT.
    expect(await updates(({ deliveries }) => deliveries.admitToProvider(ids('email'), 'sender-a', 60_000))).toEqual({ updated: 2, hot: 2 });
    // The outcome takes each out of the jobs' index (and SMS and calls into the reconciliation's): not HOT.
    await updates(({ deliveries }) =>
      deliveries.recordOutcomes(
        all.map((id) => ({ id, status: 'accepted' as const, providerId: `P-${id}` })),
        'sender-a',
      ),
    );
    // The callbacks while a delivery stays reconcilable (sent, answered), and every e-mail callback: HOT.
    expect(
      await updates(({ tracking }) =>
        tracking.applyStatusChanges([
          ...ids('sms').map((id) => callback(id, 'sms', 'sent')),
          ...ids('voice').map((id) => callback(id, 'voice', 'answered')),
          ...ids('email').map((id) => callback(id, 'email', 'sent')),
        ]),
      ),
    ).toEqual({ updated: 6, hot: 6 });
    expect(await updates(({ tracking }) => tracking.applyStatusChanges(ids('email').map((id) => callback(id, 'email', 'delivered'))))).toEqual({
      updated: 2,
      hot: 2,
    });
    // The final status of an SMS or a call: no index names what it changes, the reconciler finds
    // them by their acceptance (ADR 0062): HOT.
    expect(await updates(({ tracking }) => tracking.applyStatusChanges(ids('sms').map((id) => callback(id, 'sms', 'delivered'))))).toEqual({ updated: 2, hot: 2 });
    expect(await updates(({ tracking }) => tracking.applyStatusChanges(ids('voice').map((id) => callback(id, 'voice', 'delivered'))))).toEqual({ updated: 2, hot: 2 });

    const rows: Array<{ id: string; status: string; due: string | null }> = await db.query(`SELECT id, status, due FROM deliveries WHERE id = ANY($1::uuid[]) ORDER BY id`, [all]);
    expect(rows.map((r) => [r.status, r.due])).toEqual(all.map(() => ['delivered', null]));
  });

  it('a failed SMS enters the fallback set, an unanswered call the redial set: not HOT, as they must', async () => {
    const members = await seedAcceptedDeliveries(db, 1, { status: 'sent' });
    const [{ delivery }] = members;
    expect(await updates(({ tracking }) => tracking.applyStatusChanges([callback(delivery.sms, 'sms', 'undelivered'), callback(delivery.voice, 'voice', 'no_answer')]))).toEqual({
      updated: 2,
      hot: 0,
    });
  });
});
