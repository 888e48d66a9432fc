import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type { HandlerContext } from '@bin-alert/messaging';
import { AlertRepository, DeliveryRepository, MemberRepository, PlanningRepository, ReferenceDataRepository, onUrgentConnections, openDataSource } from '@bin-alert/persistence';
import { RecordingBus } from '../../../test/support/recording-bus';
import { RecordingChannelSender } from '../../../test/support/recording-channel-sender';
import { issuedAlert } from '../../../test/support/planned-alert';
import { testConfig } from '../../../bench/src/support/test-config';
import { AlertExpander } from './alert-expander';
import { DeliveryJobSender } from './delivery-job.sender';
import { dispatchSettingsFrom } from './dispatcher.module';
import { LaneGate } from './lane-gate';

/** Fails instead of hanging when the work waits for a connection that never comes. */
function within<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * The urgent lane's connections (ADR 0053): an urgent alert is planned and sent while every
 * connection of the shared pool is held, as the normal lane's claims and outcome writes hold them
 * under a national backlog, and a normal statement meanwhile still waits for the shared pool.
 */
describe("the urgent lane's own connections", () => {
  let db: DataSource;
  let opened: Date;
  const BIN = 'urgent-connections';
  const SHARED = 2;
  const context = { heartbeat: async () => undefined } as unknown as HandlerContext;
  const settings = dispatchSettingsFrom(testConfig());

  beforeAll(async () => {
    db = await openDataSource(testConfig().DATABASE_URL, SHARED, 2);
    opened = new Date();
    await db.query(`INSERT INTO bins (id, name, kind, police_zone) VALUES ($1, $1, 'BIN', 'urgent') ON CONFLICT (id) DO NOTHING`, [BIN]);
    await new MemberRepository(db).registerMany(
      Array.from({ length: 40 }, (_, n) => ({
        displayName: `urgent ${n}`,
        language: 'nl' as const,
        memberships: [{ binId: BIN }],
        contacts: [{ kind: 'mobile' as const, value: `+3247${String(9_100_000 + n).padStart(7, '0')}`, verified: true }],
        preferences: [],
      })),
    );
  }, 60_000);
  afterAll(async () => db?.destroy());

  /** Takes every connection of the shared pool until the returned function gives them back. */
  async function holdSharedPool(): Promise<() => Promise<void>> {
    const runners = Array.from({ length: SHARED }, () => db.createQueryRunner());
    await Promise.all(runners.map((r) => r.connect()));
    return async () => {
      for (const r of runners) await r.release();
    };
  }

  it('plans and sends an urgent alert while the shared pool is taken, and a normal statement still waits for it', async () => {
    const event = await issuedAlert(db, [BIN], { urgency: 'urgent', category: 'missing_person' });
    const release = await holdSharedPool();
    let normalDone = false;
    const normal = db.query('SELECT 1').then(() => (normalDone = true));
    try {
      const gate = new LaneGate();
      const bus = new RecordingBus();
      const expander = new AlertExpander('sms', bus, new AlertRepository(db), new ReferenceDataRepository(db), new PlanningRepository(db), settings, undefined, undefined, gate);
      const summary = await within(10_000, expander.expand(event, context), 'urgent expansion');
      expect(summary.planned).toBe(40);

      const provider = new RecordingChannelSender();
      const sender = new DeliveryJobSender(provider, new DeliveryRepository(db), new PlanningRepository(db), gate, settings, 'urgent-connections-test');
      const jobs = bus.jobs(event.alertId);
      const sent = await within(10_000, sender.handleBatch(jobs, context), 'urgent sending');
      expect(sent.reduce((n, s) => n + s.sent, 0)).toBe(40);
      expect(new Set(provider.sent).size).toBe(40);
      expect(normalDone).toBe(false);
    } finally {
      await release();
      await normal;
    }
    const [{ accepted }] = await db.query(`SELECT count(*)::int AS accepted FROM deliveries WHERE alert_id = $1 AND status = 'accepted'`, [event.alertId]);
    expect(accepted).toBe(40);
  }, 30_000);

  it('opens the urgent connections with the DataSource, so that the first urgent statement does not wait for a backend to start', async () => {
    const [{ backend_start }] = await onUrgentConnections(() => db.query(`SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()`));
    expect(new Date(backend_start).getTime()).toBeLessThanOrEqual(opened.getTime());
  });
});
