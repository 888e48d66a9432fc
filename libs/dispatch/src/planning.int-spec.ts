import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AlertIssuedV1 } from '@bin-alert/contracts';
import { Channel, memberPartition } from '@bin-alert/domain';
import type { HandlerContext, MessageBus } from '@bin-alert/messaging';
import {
  AlertRepository,
  DeliveryRepository,
  MemberRepository,
  NewMember,
  PlannedPage,
  PlanningRepository,
  PlanningTarget,
  ReferenceDataRepository,
  openDataSource,
} from '@bin-alert/persistence';
import { RecordingBus } from '../../../test/support/recording-bus';
import { RecordingChannelSender } from '../../../test/support/recording-channel-sender';
import { issuedAlert } from '../../../test/support/planned-alert';
import { testConfig } from '../../../bench/src/support/test-config';
import { AlertExpander, urgentFirstPageSize } from './alert-expander';
import { DeliveryJobSender } from './delivery-job.sender';
import { DispatchSettings } from './dispatch-settings';
import { dispatchSettingsFrom } from './dispatcher.module';
import { LaneGate } from './lane-gate';

/** Members of a BIN of their own, in the benchmark's proportions, deterministic. */
function members(bin: string, count: number, first: number): NewMember[] {
  return Array.from({ length: count }, (_, i) => {
    const n = first + i;
    const contacts: NewMember['contacts'] = [];
    if (n % 50 !== 0) contacts.push({ kind: 'mobile', value: `+3247${String(n).padStart(7, '0')}`, verified: n % 43 !== 0 });
    if (n % 10 !== 3) contacts.push({ kind: 'email', value: `planning${n}@example.be`, verified: true });
    if (n % 10 === 7) contacts.push({ kind: 'phone', value: `+3253${String(n).padStart(6, '0')}`, verified: true });
    return {
      displayName: `planning ${n}`,
      language: (['nl', 'fr', 'de', 'en'] as const)[n % 4],
      memberships: [{ binId: bin }],
      contacts,
      preferences: n % 12 === 5 ? [{ categoryCode: 'prevention', channel: 'sms', enabled: false }] : [],
    };
  });
}

/**
 * Planning against the real PostgreSQL (ADR 0016): rows, job ranges, replanning, two planners at
 * once, quiet-hour holds, and range jobs through the sender. How fast it plans is measured by
 * planning.cost.int-spec.ts, not here: tests do not time.
 */
describe('planning in PostgreSQL', () => {
  let db: DataSource;
  let settings: DispatchSettings;
  const context = { heartbeat: async () => undefined } as unknown as HandlerContext;
  const BIN = 'planning-a';
  const MEMBERS = 1200;
  const night = new Date('2026-01-15T22:30:00Z'); // 23:30 in Brussels

  beforeAll(async () => {
    db = await openDataSource(testConfig().DATABASE_URL, 6);
    settings = dispatchSettingsFrom(testConfig());
    await db.query(`INSERT INTO bins (id, name, kind, police_zone) VALUES ($1, $1, 'BIN', 'planning') ON CONFLICT (id) DO NOTHING`, [BIN]);
    const ids = await new MemberRepository(db).registerMany(members(BIN, MEMBERS, 0));
    // One in eight keeps quiet hours over the night the alerts are planned in.
    await db.query(`UPDATE members SET quiet_hours_start = '22:00', quiet_hours_end = '07:00' WHERE id = ANY($1)`, [ids.filter((_, i) => i % 8 === 1)]);
  }, 120_000);
  afterAll(async () => db?.destroy());

  const issued = (binIds: string[], over: Partial<AlertIssuedV1> = {}) => issuedAlert(db, binIds, over);

  /** Pages of `pageSize` from the snapshot too, so that a few hundred members make several. */
  class SmallPages extends PlanningRepository {
    override plan(target: PlanningTarget, clock: () => Date, onPage: (page: PlannedPage) => Promise<void>): Promise<void> {
      return super.plan({ ...target, snapshotPageSize: target.pageSize }, clock, onPage);
    }
  }

  /** The normal lane's jobs topics with more partitions than the default: jobs must use all of them. */
  const jobPartitions = { urgent: 6, normal: 24 };
  const expander = (channel: Channel, bus: MessageBus, pageSize: number, clock = () => night) =>
    new AlertExpander(channel, bus, new AlertRepository(db), new ReferenceDataRepository(db), new SmallPages(db), { ...settings, pageSize, jobPartitions }, undefined, clock);

  const rows = async (alertId: string, channel: Channel): Promise<Array<{ id: string; member_id: string; status: string; reason: string | null; deferred_until: Date | null }>> =>
    db.query(`SELECT id, member_id, status, reason, deferred_until FROM deliveries WHERE alert_id = $1 AND channel = $2 ORDER BY member_id`, [alertId, channel]);

  it('writes one row per member and channel, and its jobs name exactly the planned deliveries not held', async () => {
    const bus = new RecordingBus();
    const event = await issued([BIN]);
    // 100 members a page: the first page is read by index, the other eleven from a snapshot.
    const summaries = await Promise.all((['sms', 'email', 'voice'] as const).map((c) => expander(c, bus, 100).expand(event, context)));
    for (const [i, channel] of (['sms', 'email', 'voice'] as const).entries()) {
      const written = await rows(event.alertId, channel);
      expect(written).toHaveLength(MEMBERS);
      expect(summaries[i]).toMatchObject({ candidates: MEMBERS, newRows: MEMBERS });
      const sendable = written.filter((r) => r.status === 'planned' && !r.deferred_until);
      expect(written.filter((r) => r.deferred_until).length).toBeGreaterThan(0);
      const memberOf = new Map(written.map((r) => [r.id, r.member_id]));
      const named: string[] = [];
      const partitionsUsed = new Set(bus.jobs(event.alertId, channel).map((job) => job.members.partition));
      expect(Math.max(...partitionsUsed)).toBeGreaterThanOrEqual(6);
      expect(Math.max(...partitionsUsed)).toBeLessThan(jobPartitions.normal);
      for (const job of bus.jobs(event.alertId, channel)) {
        const ids = await new PlanningRepository(db).jobDeliveryIds({ alertId: event.alertId, channel, ...job.members });
        expect(ids).toHaveLength(job.members.deliveries);
        expect(ids.length).toBeLessThanOrEqual(channel === 'email' ? settings.emailJobSize : settings.jobSize);
        // A job holds members of the partition it is written to only: a member's jobs stay in order.
        const record = bus.published.find((m) => m.value === job);
        expect(record?.partition).toBe(job.members.partition);
        for (const id of ids) expect(memberPartition(memberOf.get(id) as string, jobPartitions.normal)).toBe(job.members.partition);
        named.push(...ids);
      }
      expect(new Set(named).size).toBe(named.length);
      expect(named.sort()).toEqual(sendable.map((r) => r.id).sort());
      expect(summaries[i].planned).toBe(sendable.length);
    }
  });

  it('decides the same whether the audience is read in one page or from a snapshot', async () => {
    const bus = new RecordingBus();
    const [paged, whole] = [await issued([BIN]), await issued([BIN])];
    await expander('sms', bus, 37).expand(paged, context);
    await expander('sms', bus, 10_000).expand(whole, context);
    const outcome = (r: { member_id: string; status: string; reason: string | null; deferred_until: Date | null }) =>
      [r.member_id, r.status, r.reason, r.deferred_until && new Date(r.deferred_until).toISOString()].join(' ');
    expect((await rows(paged.alertId, 'sms')).map(outcome)).toEqual((await rows(whole.alertId, 'sms')).map(outcome));
  });

  it("plans an urgent alert's first page at about a job per partition, a normal alert's at a full page", async () => {
    /** Members of each page, in the order their jobs were handed to the bus. */
    class PageSizes extends PlanningRepository {
      readonly pages: number[] = [];
      override plan(target: PlanningTarget, clock: () => Date, onPage: (page: PlannedPage) => Promise<void>): Promise<void> {
        return super.plan(target, clock, (page) => {
          this.pages.push(page.members);
          return onPage(page);
        });
      }
    }
    const pageSizes = async (urgency: AlertIssuedV1['urgency']) => {
      const planning = new PageSizes(db);
      const event = await issued([BIN], { urgency });
      const planned = new AlertExpander(
        'sms',
        new RecordingBus(),
        new AlertRepository(db),
        new ReferenceDataRepository(db),
        planning,
        { ...settings, pageSize: 1000, jobPartitions },
        undefined,
        () => night,
      );
      await planned.expand(event, context);
      return planning.pages;
    };
    const urgentFirst = urgentFirstPageSize({ pageSize: 1000, jobPartitions });
    expect(urgentFirst).toBe(jobPartitions.urgent * 4);
    const urgent = await pageSizes('urgent');
    expect(urgent[0]).toBe(urgentFirst);
    expect(urgent.reduce((a, n) => a + n, 0)).toBe(MEMBERS);
    const normal = await pageSizes('normal');
    expect(normal[0]).toBe(1000);
    expect(normal.reduce((a, n) => a + n, 0)).toBe(MEMBERS);
  });

  it('plans nothing new for a redelivered alert event, and its jobs find only what is still to send', async () => {
    const bus = new RecordingBus();
    const event = await issued([BIN]);
    await expander('sms', bus, 250).expand(event, context);
    const before = await rows(event.alertId, 'sms');
    // Some were sent meanwhile.
    const sent = before
      .filter((r) => r.status === 'planned' && !r.deferred_until)
      .slice(0, 100)
      .map((r) => r.id);
    await db.query(`UPDATE deliveries SET status = 'accepted', accepted_at = now() WHERE id = ANY($1)`, [sent]);

    const again = new RecordingBus();
    const summary = await expander('sms', again, 250).expand(event, context);
    expect(summary).toMatchObject({ candidates: MEMBERS, newRows: 0 });
    expect((await rows(event.alertId, 'sms')).map((r) => r.id)).toEqual(before.map((r) => r.id));
    const named: string[] = [];
    for (const job of again.jobs(event.alertId)) named.push(...(await new PlanningRepository(db).jobDeliveryIds({ alertId: event.alertId, channel: 'sms', ...job.members })));
    const stillToSend = before.filter((r) => r.status === 'planned' && !r.deferred_until && !sent.includes(r.id)).map((r) => r.id);
    expect(named.sort()).toEqual(stillToSend.sort());
  });

  it("reads a job's deliveries and no other row: not other partitions', not those already sent (ADR 0043)", async () => {
    const bus = new RecordingBus();
    const event = await issued([BIN]);
    await expander('sms', bus, 250).expand(event, context);
    const [job] = bus.jobs(event.alertId, 'sms');
    // Half of the job's deliveries were sent, each by a claim and an outcome (two row versions).
    const planned = await new PlanningRepository(db).jobDeliveryIds({ alertId: event.alertId, channel: 'sms', ...job.members });
    const sent = planned.filter((_, i) => i % 2 === 0);
    await db.query(`UPDATE deliveries SET status = 'sending' WHERE id = ANY($1)`, [sent]);
    await db.query(`UPDATE deliveries SET status = 'accepted' WHERE id = ANY($1)`, [sent]);
    await db.query(`ANALYZE deliveries`);

    const statements: Array<{ sql: string; params: unknown[] }> = [];
    const query = (sql: string, params: unknown[]) => {
      statements.push({ sql, params });
      return db.query(sql, params);
    };
    const watched = Object.create(db, { query: { value: query } }) as DataSource;
    const ids = await new PlanningRepository(watched).jobDeliveryIds({ alertId: event.alertId, channel: 'sms', ...job.members });
    expect(ids).toEqual(planned.filter((id) => !sent.includes(id)));

    const [
      {
        'QUERY PLAN': [{ Plan: plan }],
      },
    ] = await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statements[0].sql}`, statements[0].params);
    // An index scan or a bitmap scan of the same index, depending on the planner's estimates: either reads only the job's rows.
    type Node = { 'Node Type': string; 'Index Name'?: string; 'Relation Name'?: string; Filter?: string; 'Rows Removed by Filter'?: number; 'Actual Rows': number; Plans?: Node[] };
    const nodes = (n: Node): Node[] => [n, ...(n.Plans ?? []).flatMap(nodes)];
    const all = nodes(plan);
    expect({
      indexes: all.flatMap((n) => (n['Index Name'] ? [n['Index Name']] : [])),
      filters: all.flatMap((n) => (n.Filter || n['Rows Removed by Filter'] ? [n.Filter] : [])),
      rows: all.find((n) => n['Relation Name'] === 'deliveries')?.['Actual Rows'],
    }).toEqual({ indexes: ['deliveries_job_unsent'], filters: [], rows: ids.length });
  });

  it("looks a job's deliveries up by partition and member range when the statistics predate the alert, as they always do for a new one", async () => {
    await db.query(`ANALYZE deliveries`);
    const bus = new RecordingBus();
    const event = await issued([BIN]);
    await expander('sms', bus, 250).expand(event, context);
    const jobs = bus.jobs(event.alertId, 'sms').slice(0, 1);
    const statements: Array<{ sql: string; params: unknown[] }> = [];
    const query = (sql: string, params: unknown[]) => {
      statements.push({ sql, params });
      return db.query(sql, params);
    };
    const watched = Object.create(db, { query: { value: query } }) as DataSource;
    const ids = await new PlanningRepository(watched).jobsDeliveryIds(
      event.alertId,
      'sms',
      jobs.map((j) => j.members),
      'member',
    );
    expect(ids.length).toBe(jobs.reduce((n, j) => n + j.members.deliveries, 0));

    const [
      {
        'QUERY PLAN': [{ Plan: plan }],
      },
    ] = await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statements[0].sql}`, statements[0].params);
    type Node = {
      'Index Name'?: string;
      'Index Cond'?: string;
      'Join Filter'?: string;
      Filter?: string;
      'Actual Rows': number;
      'Actual Loops': number;
      'Relation Name'?: string;
      Plans?: Node[];
    };
    const nodes = (n: Node): Node[] => [n, ...(n.Plans ?? []).flatMap(nodes)];
    const scan = nodes(plan).find((n) => n['Relation Name'] === 'deliveries');
    // Flattened, the subquery's scan was by (alert, channel) alone with the ranges as a join
    // filter: every unsent row of the alert read for each look-up.
    expect({
      index: scan?.['Index Name'],
      byRange: /job_partition/.test(scan?.['Index Cond'] ?? '') && /member_id/.test(scan?.['Index Cond'] ?? ''),
      joinFilters: nodes(plan).flatMap((n) => (n['Join Filter'] ? [n['Join Filter']] : [])),
      rowsRead: (scan?.['Actual Rows'] ?? 0) * (scan?.['Actual Loops'] ?? 0),
    }).toEqual({ index: 'deliveries_job_unsent', byRange: true, joinFilters: [], rowsRead: ids.length });
  });

  it('fails an expansion whose jobs cannot be published while the next page is written, and its retry plans the rest once', async () => {
    /** A bus that fails its second publish: the dispatcher loses Kafka in the middle of planning. */
    class FailingBus extends RecordingBus {
      private calls = 0;
      override async publish(messages: Parameters<RecordingBus['publish']>[0]): Promise<void> {
        if (++this.calls === 2) throw new Error('bus lost');
        return super.publish(messages);
      }
    }
    const event = await issued([BIN]);
    // The failure is seen after the next page's statement, not as an unhandled rejection meanwhile (jest fails the test on one).
    await expect(expander('sms', new FailingBus(), 100).expand(event, context)).rejects.toThrow('bus lost');
    const bus = new RecordingBus();
    expect(await expander('sms', bus, 100).expand(event, context)).toMatchObject({ candidates: MEMBERS });
    const written = await rows(event.alertId, 'sms');
    expect(new Set(written.map((r) => r.member_id)).size).toBe(MEMBERS);
    expect(written).toHaveLength(MEMBERS);
    const named: string[] = [];
    for (const job of bus.jobs(event.alertId, 'sms')) named.push(...(await new PlanningRepository(db).jobDeliveryIds({ alertId: event.alertId, channel: 'sms', ...job.members })));
    expect(named.sort()).toEqual(
      written
        .filter((r) => r.status === 'planned' && !r.deferred_until)
        .map((r) => r.id)
        .sort(),
    );
  });

  describe('the audience snapshot the three channels share (ADR 0067)', () => {
    const table = (alertId: string) => `planning_audience_${alertId.replace(/-/g, '')}`;
    const exists = async (alertId: string) => {
      const [{ built, listed }] = await db.query(
        `SELECT to_regclass($1::text) IS NOT NULL AS built, EXISTS (SELECT 1 FROM planning_audiences WHERE alert_id = $2::uuid) AS listed`,
        [table(alertId), alertId],
      );
      return { built, listed };
    };
    const builds = () => jest.spyOn(PlanningRepository.prototype as unknown as { snapshotAudience: () => Promise<void> }, 'snapshotAudience');
    afterEach(() => jest.restoreAllMocks());

    it('reads the audience once for the three channels planned side by side, and drops it when all three have planned', async () => {
      const event = await issued([BIN]);
      const reads = builds();
      const summaries = await Promise.all((['sms', 'email', 'voice'] as const).map((c) => expander(c, new RecordingBus(), 100).expand(event, context)));
      expect(summaries.map((s) => s.newRows)).toEqual([MEMBERS, MEMBERS, MEMBERS]);
      expect(reads).toHaveBeenCalledTimes(1);
      expect(await exists(event.alertId)).toEqual({ built: false, listed: false });
    });

    it('keeps it for the channels still to plan, and a planner that comes later reads it instead of the audience', async () => {
      const event = await issued([BIN]);
      const reads = builds();
      await expander('sms', new RecordingBus(), 100).expand(event, context);
      expect(await exists(event.alertId)).toEqual({ built: true, listed: true });
      await expander('email', new RecordingBus(), 100).expand(event, context);
      // A redelivered event of a channel that has planned reads it too, and plans nothing new.
      expect(await expander('sms', new RecordingBus(), 100).expand(event, context)).toMatchObject({ candidates: MEMBERS, newRows: 0 });
      expect(await exists(event.alertId)).toEqual({ built: true, listed: true });
      expect(await expander('voice', new RecordingBus(), 100).expand(event, context)).toMatchObject({ candidates: MEMBERS, newRows: MEMBERS });
      expect(reads).toHaveBeenCalledTimes(1);
      expect(await exists(event.alertId)).toEqual({ built: false, listed: false });
    });

    it('builds it again and carries on where it stopped when it is dropped under a planner', async () => {
      const event = await issued([BIN]);
      const reads = builds();
      let pages = 0;
      class DroppingBus extends RecordingBus {
        override async publish(messages: Parameters<RecordingBus['publish']>[0]): Promise<void> {
          // As the last channel to plan does while a second planner of this one still reads it.
          if (++pages === 3) await db.query(`DROP TABLE ${table(event.alertId)}`);
          return super.publish(messages);
        }
      }
      const bus = new DroppingBus();
      const summary = await expander('sms', bus, 100).expand(event, context);
      expect(summary).toMatchObject({ candidates: MEMBERS, newRows: MEMBERS });
      expect(reads).toHaveBeenCalledTimes(2);
      const named: string[] = [];
      for (const job of bus.jobs(event.alertId)) named.push(...(await new PlanningRepository(db).jobDeliveryIds({ alertId: event.alertId, channel: 'sms', ...job.members })));
      const sendable = (await rows(event.alertId, 'sms')).filter((r) => r.status === 'planned' && !r.deferred_until).map((r) => r.id);
      expect(named.sort()).toEqual(sendable.sort());
    });

    it('drops a leftover an hour old when the next alert is planned', async () => {
      const left = await issued([BIN]);
      await expander('sms', new RecordingBus(), 100).expand(left, context);
      await db.query(`UPDATE planning_audiences SET built_at = now() - interval '61 minutes' WHERE alert_id = $1`, [left.alertId]);
      const recent = await issued([BIN]);
      await expander('sms', new RecordingBus(), 100).expand(recent, context);
      const next = await issued([BIN]);
      await expander('sms', new RecordingBus(), 100).expand(next, context);
      expect(await exists(left.alertId)).toEqual({ built: false, listed: false });
      expect(await exists(recent.alertId)).toEqual({ built: true, listed: true });
    });
  });

  it('writes each row once when two planners take the same alert at the same time', async () => {
    const event = await issued([BIN]);
    const [a, b] = await Promise.all([expander('email', new RecordingBus(), 60).expand(event, context), expander('email', new RecordingBus(), 60).expand(event, context)]);
    expect(a.newRows + b.newRows).toBe(MEMBERS);
    const [{ n, distinct }] = await db.query(`SELECT count(*)::int AS n, count(DISTINCT member_id)::int AS distinct FROM deliveries WHERE alert_id = $1 AND channel = 'email'`, [
      event.alertId,
    ]);
    expect({ n, distinct }).toEqual({ n: MEMBERS, distinct: MEMBERS });
  });

  it("sends a range job's deliveries once, and a redelivered job sends nothing more", async () => {
    const bus = new RecordingBus();
    const event = await issued([BIN]);
    await expander('sms', bus, 500).expand(event, context);
    const recorder = new RecordingChannelSender();
    const sender = new DeliveryJobSender(recorder, new DeliveryRepository(db), new PlanningRepository(db), new LaneGate(), settings, 'planning-test');
    const jobs = bus.jobs(event.alertId);
    for (const job of jobs) await sender.handle(job, context);
    const sendable = (await rows(event.alertId, 'sms')).filter((r) => r.status !== 'suppressed' && !r.deferred_until).map((r) => r.id);
    expect([...recorder.sent].sort()).toEqual(sendable.sort());
    for (const job of jobs) expect(await sender.handle(job, context)).toMatchObject({ sent: 0, skipped: 0 });
    expect(recorder.sent).toHaveLength(sendable.length);
  });
});
