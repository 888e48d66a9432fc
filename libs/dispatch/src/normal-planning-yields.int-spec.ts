import 'reflect-metadata';
import type { AlertIssuedV1 } from '@bin-alert/contracts';
import { DataSource } from 'typeorm';
import type { HandlerContext, MessageBus, OutgoingMessage } from '@bin-alert/messaging';
import { AlertRepository, MemberRepository, PlanningRepository, ReferenceDataRepository, openDataSource } from '@bin-alert/persistence';
import { RecordingBus } from '../../../test/support/recording-bus';
import { residents } from '../../../test/support/residents';
import { issuedAlert } from '../../../test/support/planned-alert';
import { testConfig } from '../../../bench/src/support/test-config';
import { AlertExpander } from './alert-expander';
import { dispatchSettingsFrom } from './dispatcher.module';
import { LaneGate } from './lane-gate';

/**
 * The normal lane's planning while an urgent alert is planned in the instance (ADR 0063): it stops
 * at its next statement, so that its pages (a national alert's audience snapshot and 5,000-member
 * inserts) do not queue ahead of the urgent alert's first page, range look-up and claim in
 * PostgreSQL; it goes on once the urgent planning ends, and urgent sending alone does not hold it.
 */
describe("normal planning yields to the urgent lane's work", () => {
  let db: DataSource;
  const BIN = 'normal-planning-yields';
  const MEMBERS = 60;
  const FIRST_PAGE = 10;
  const context = { heartbeat: async () => undefined } as unknown as HandlerContext;
  const settings = { ...dispatchSettingsFrom(testConfig()), pageSize: FIRST_PAGE };

  beforeAll(async () => {
    db = await openDataSource(testConfig().DATABASE_URL, 4, 2);
    await db.query(`INSERT INTO bins (id, name, kind, police_zone) VALUES ($1, $1, 'BIN', 'yields') ON CONFLICT (id) DO NOTHING`, [BIN]);
    await new MemberRepository(db).registerMany(residents(BIN, MEMBERS, 9_200_000));
  }, 60_000);
  afterAll(async () => db?.destroy());

  async function rows(alertId: string): Promise<number> {
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE alert_id = $1 AND channel = 'sms'`, [alertId]);
    return n;
  }

  it('writes no further page while an urgent alert is being planned, and the rest of the audience once that ends', async () => {
    const event = await issuedAlert(db, [BIN], { urgency: 'normal', category: 'burglary' });
    const gate = new LaneGate();
    let endUrgent!: () => void;
    let urgentWork: Promise<void> | null = null;
    // An urgent alert's planning starts while the normal alert's first page is being published.
    const bus: MessageBus = Object.assign(new RecordingBus(), {
      async publish(this: RecordingBus, messages: OutgoingMessage[]): Promise<void> {
        urgentWork ??= gate.whilePlanningUrgent(() => new Promise<void>((resolve) => (endUrgent = resolve)));
        this.published.push(...messages);
      },
    });
    const expander = new AlertExpander('sms', bus, new AlertRepository(db), new ReferenceDataRepository(db), new PlanningRepository(db), settings, undefined, undefined, gate);
    let planned = false;
    const expansion = expander.expand(event, context).then((summary) => {
      planned = true;
      return summary;
    });

    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(urgentWork).not.toBeNull();
    expect(planned).toBe(false);
    expect(await rows(event.alertId)).toBe(FIRST_PAGE);

    endUrgent();
    await urgentWork;
    const summary = await expansion;
    expect(summary.candidates).toBe(MEMBERS);
    expect(await rows(event.alertId)).toBe(MEMBERS);
  }, 30_000);

  /** Plans the whole audience while other urgent work, begun by `hold`, stays in flight; ends that work after. */
  async function plannedDuring(event: AlertIssuedV1, hold: (gate: LaneGate, work: () => Promise<void>) => Promise<void>): Promise<number> {
    const gate = new LaneGate();
    let endUrgent!: () => void;
    const other = hold(gate, () => new Promise<void>((resolve) => (endUrgent = resolve)));
    try {
      const expander = new AlertExpander(
        'sms',
        new RecordingBus(),
        new AlertRepository(db),
        new ReferenceDataRepository(db),
        new PlanningRepository(db),
        settings,
        undefined,
        undefined,
        gate,
      );
      return (await expander.expand(event, context)).candidates;
    } finally {
      endUrgent();
      await other;
    }
  }

  it('goes on while urgent jobs are only being sent', async () => {
    const event = await issuedAlert(db, [BIN], { urgency: 'normal', category: 'burglary' });
    expect(await plannedDuring(event, (gate, work) => gate.whileUrgent(work))).toBe(MEMBERS);
  }, 30_000);

  it("does not hold an urgent alert's own planning", async () => {
    const event = await issuedAlert(db, [BIN], { urgency: 'urgent', category: 'missing_person' });
    expect(await plannedDuring(event, (gate, work) => gate.whilePlanningUrgent(work))).toBe(MEMBERS);
  }, 30_000);
});
