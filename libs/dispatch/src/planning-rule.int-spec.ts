import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TOPIC_PARTITION_DEFAULTS } from '@bin-alert/contracts';
import { CONTACT_KIND_FOR_CHANNEL, Channel, deliveryId, memberPartition } from '@bin-alert/domain';
import { PlanningAudience, PlanningRepository, PlanningTarget, openDataSource } from '@bin-alert/persistence';
import {
  CASE_BINS,
  CONTACTS,
  CONTACTS_SINCE,
  FOLLOW_UP_TABLE,
  FollowUpCase,
  ORIGINAL_DELIVERIES,
  OTHER_BIN,
  RECIPIENT_TABLE,
  RecipientCase,
  RecipientOutcome,
  STANDINGS,
  decideCase,
  decideFollowUpCase,
  everyFollowUpCase,
  everyRecipientCase,
  membershipsOf,
} from '../../domain/src/audience/recipient-cases';
import { testConfig } from '../../../bench/src/support/test-config';

/**
 * The recipient rule is libs/domain's; planning evaluates it in SQL. This runs the domain's case
 * table, and every combination of its dimensions, through both and requires the same outcome,
 * case by case: who is in the audience, who is sent to now, who is held until when, who is
 * suppressed and why; and the same delivery ids and job partitions.
 */
describe('the recipient rule in SQL agrees with the domain rule', () => {
  let db: DataSource;
  let planning: PlanningRepository;
  const CATEGORY = 'burglary';
  const QUIET_WINDOWS = [null, { start: '22:00', end: '07:00' }, { start: '12:00', end: '14:00' }, { start: '08:00', end: '08:00' }];

  type MemberFacts = RecipientCase['member'];
  const keyOf = (m: MemberFacts) => JSON.stringify([m.standing, m.isTestGroup, m.contact, m.preference, m.quietHours]);
  /** One member per combination of member facts, shared by every alert. */
  const population = new Map<string, string>();

  beforeAll(async () => {
    db = await openDataSource(testConfig().DATABASE_URL, 3);
    planning = new PlanningRepository(db);
    for (const bin of [...CASE_BINS, OTHER_BIN]) {
      await db.query(`INSERT INTO bins (id, name, kind, police_zone) VALUES ($1, $1, 'BIN', 'case-zone') ON CONFLICT (id) DO NOTHING`, [bin]);
    }
    const facts: MemberFacts[] = [];
    for (const standing of STANDINGS)
      for (const isTestGroup of [false, true])
        for (const contact of CONTACTS)
          for (const preference of [null, true, false]) for (const quietHours of QUIET_WINDOWS) facts.push({ standing, isTestGroup, contact, preference, quietHours });
    await insertMembers(facts);
  }, 120_000);

  afterAll(async () => db?.destroy());

  async function insertMembers(facts: MemberFacts[]): Promise<void> {
    const ids = facts.map(() => randomUUID());
    for (const [i, f] of facts.entries()) population.set(keyOf(f), ids[i]);
    await db.query(
      `INSERT INTO members (id, display_name, language, is_test_group, quiet_hours_start, quiet_hours_end)
       SELECT id, 'case', 'nl', t, qs, qe FROM unnest($1::uuid[], $2::bool[], $3::text[], $4::text[]) AS x(id, t, qs, qe)`,
      [ids, facts.map((f) => f.isTestGroup), facts.map((f) => f.quietHours?.start ?? null), facts.map((f) => f.quietHours?.end ?? null)],
    );
    const memberships = facts.flatMap((f, i) => membershipsOf(f.standing).map((m) => [ids[i], m.binId, m.status]));
    await db.query(
      `INSERT INTO memberships (member_id, bin_id, status) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`,
      [0, 1, 2].map((c) => memberships.map((r) => r[c])),
    );
    // Every channel's contact point in the same state, so that any channel's case finds it.
    const contacts = facts.flatMap((f, i) =>
      f.contact === 'none'
        ? []
        : (['mobile', 'email', 'phone'] as const).map((kind) => [ids[i], kind, `${kind}-${i}`, f.contact === 'verified' || f.contact === 'stopped', f.contact.endsWith('stopped')]),
    );
    await db.query(
      `INSERT INTO contact_points (member_id, kind, value, verified_at, sms_opted_out_at)
       SELECT m, k, v, CASE WHEN ok THEN now() END, CASE WHEN stop THEN now() END FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bool[], $5::bool[]) AS x(m, k, v, ok, stop)`,
      [0, 1, 2, 3, 4].map((c) => contacts.map((r) => r[c])),
    );
    const preferences = facts.flatMap((f, i) => (f.preference === null ? [] : (['sms', 'email', 'voice'] as const).map((channel) => [ids[i], channel, f.preference])));
    await db.query(`INSERT INTO preferences (member_id, category_code, channel, enabled) SELECT m, $4, c, e FROM unnest($1::uuid[], $2::text[], $3::bool[]) AS x(m, c, e)`, [
      ...[0, 1, 2].map((c) => preferences.map((r) => r[c])),
      CATEGORY,
    ]);
  }

  interface Row {
    id: string;
    member_id: string;
    status: string;
    reason: string | null;
    deferred_until: Date | null;
    job_partition: number | null;
    contact_point_id: string | null;
    language: string | null;
  }

  const outcomeOf = (row: Row | undefined): RecipientOutcome => {
    if (!row) return 'not_in_audience';
    if (row.status === 'suppressed') return row.reason as RecipientOutcome;
    return row.deferred_until ? `held_until ${new Date(row.deferred_until).toISOString()}` : 'send';
  };

  /** Plans one alert in PostgreSQL and returns its rows by member, and its job ranges. */
  async function planInSql(target: Omit<PlanningTarget, 'alertId' | 'jobPartitions' | 'jobSize'>, now: Date) {
    const alertId = randomUUID();
    const jobs: Array<{ partition: number; first: string; last: string; deliveries: number }> = [];
    await planning.plan(
      { ...target, alertId, jobPartitions: TOPIC_PARTITION_DEFAULTS.jobsNormal, jobSize: 7 },
      () => now,
      async (page) => void jobs.push(...page.jobs),
    );
    const rows: Row[] = await db.query(
      `SELECT id, member_id, status, reason, deferred_until, job_partition, contact_point_id, language FROM deliveries WHERE alert_id = $1 AND channel = $2`,
      [alertId, target.channel],
    );
    return { alertId, rows: new Map(rows.map((r) => [r.member_id, r])), count: rows.length, jobs };
  }

  /** What every row must carry besides its outcome: the domain's id, and for a planned one its contact, language and partition. */
  async function expectRowsWellFormed(alertId: string, channel: Channel, rows: Map<string, Row>): Promise<void> {
    const contacts = new Map<string, string>(
      (await db.query(`SELECT member_id, id FROM contact_points WHERE kind = $1`, [CONTACT_KIND_FOR_CHANNEL[channel]])).map((r: { member_id: string; id: string }) => [
        r.member_id,
        r.id,
      ]),
    );
    for (const [memberId, row] of rows) {
      expect(row.id).toBe(deliveryId(alertId, memberId, channel));
      if (row.status === 'planned') {
        expect({ partition: row.job_partition, contact: row.contact_point_id, language: row.language }).toEqual({
          partition: memberPartition(memberId, TOPIC_PARTITION_DEFAULTS.jobsNormal),
          contact: contacts.get(memberId),
          language: 'nl',
        });
      } else {
        expect({ partition: row.job_partition, contact: row.contact_point_id, language: row.language }).toEqual({ partition: null, contact: null, language: null });
      }
    }
  }

  /** The job ranges name exactly the planned deliveries that are not held, each once. */
  async function expectJobsCoverTheSendable(alertId: string, channel: Channel, rows: Map<string, Row>, jobs: Awaited<ReturnType<typeof planInSql>>['jobs']): Promise<void> {
    const named: string[] = [];
    for (const job of jobs) {
      const ids = await planning.jobDeliveryIds({ alertId, channel, ...job });
      expect(ids.length).toBe(job.deliveries);
      expect(ids.length).toBeLessThanOrEqual(7);
      named.push(...ids);
    }
    const sendable = [...rows.values()].filter((r) => r.status === 'planned' && !r.deferred_until).map((r) => r.id);
    expect(named.sort()).toEqual(sendable.sort());
  }

  /** A planning target for a case's alert, to `audience`. */
  const targetOf = (c: RecipientCase | FollowUpCase, audience: PlanningAudience, pageSize: number) => ({
    channel: c.channel,
    audience,
    rule: c.alert.rule,
    urgency: c.alert.urgency,
    quietHours: c.alert.quietHours,
    expiresAt: c.alert.expiresInMs === null ? null : new Date(c.now.getTime() + c.alert.expiresInMs),
    pageSize,
    firstPageSize: pageSize,
    // Several pages from the snapshot too.
    snapshotPageSize: pageSize,
  });
  const targetFor = (c: RecipientCase, pageSize: number) =>
    targetOf(c, { kind: 'bins', binIds: [...CASE_BINS], categoryCode: CATEGORY, testGroupOnly: c.alert.kind !== 'actual' }, pageSize);

  it.each(RECIPIENT_TABLE)('%s', async (_name, c, expected) => {
    // A page size below the audience: the first page is read by index, the rest from a snapshot.
    const { alertId, rows, jobs } = await planInSql(targetFor(c, 50), c.now);
    const memberId = population.get(keyOf(c.member)) as string;
    expect(outcomeOf(rows.get(memberId))).toBe(expected);
    expect(decideCase(c)).toBe(expected);
    await expectRowsWellFormed(alertId, c.channel, rows);
    await expectJobsCoverTheSendable(alertId, c.channel, rows, jobs);
  });

  it('agrees on every combination of alert, member and instant', async () => {
    const byAlert = new Map<string, RecipientCase[]>();
    for (const c of everyRecipientCase()) {
      const key = JSON.stringify([c.alert, c.now, c.channel]);
      byAlert.set(key, [...(byAlert.get(key) ?? []), c]);
    }
    let compared = 0;
    let n = 0;
    const disagreements: string[] = [];
    for (const cases of byAlert.values()) {
      // Alternately in one index-read page and in pages from a snapshot: both paths hold to the rule.
      const { alertId, rows, count, jobs } = await planInSql(targetFor(cases[0], n++ % 2 === 0 ? 10_000 : 97), cases[0].now);
      for (const c of cases) {
        const sql = outcomeOf(rows.get(population.get(keyOf(c.member)) as string));
        const ts = decideCase(c);
        if (sql !== ts) disagreements.push(`${JSON.stringify(c)}: SQL ${sql}, TypeScript ${ts}`);
        compared++;
      }
      // Nobody outside the population: an audience member appears in exactly one case of this alert.
      expect(count).toBe(cases.filter((c) => decideCase(c) !== 'not_in_audience').length);
      if (n % 40 === 0) {
        await expectRowsWellFormed(alertId, cases[0].channel, rows);
        await expectJobsCoverTheSendable(alertId, cases[0].channel, rows, jobs);
      }
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
    expect(compared).toBe(everyRecipientCase().length);
  }, 600_000);

  describe('for updates and cancels', () => {
    type Facts = Pick<FollowUpCase, 'original' | 'contactSince' | 'preferenceSince' | 'memberQuietHours'>;
    const keyOfFollowUp = (f: Facts) => JSON.stringify([f.original, f.contactSince, f.preferenceSince, f.memberQuietHours]);
    const recipients = new Map<string, string>();
    const originalAlertId = randomUUID();
    const originalPartition = 4;

    beforeAll(async () => {
      const facts: Facts[] = [];
      for (const original of ORIGINAL_DELIVERIES)
        for (const contactSince of CONTACTS_SINCE)
          for (const preferenceSince of [null, true, false])
            for (const memberQuietHours of [null, QUIET_WINDOWS[1], QUIET_WINDOWS[2]]) facts.push({ original, contactSince, preferenceSince, memberQuietHours });
      const ids = facts.map(() => randomUUID());
      for (const [i, f] of facts.entries()) recipients.set(keyOfFollowUp(f), ids[i]);
      await db.query(
        `INSERT INTO members (id, display_name, language, quiet_hours_start, quiet_hours_end)
         SELECT id, 'case', 'fr', qs, qe FROM unnest($1::uuid[], $2::text[], $3::text[]) AS x(id, qs, qe)`,
        [ids, facts.map((f) => f.memberQuietHours?.start ?? null), facts.map((f) => f.memberQuietHours?.end ?? null)],
      );
      await db.query(`INSERT INTO memberships (member_id, bin_id) SELECT unnest($1::uuid[]), $2`, [ids, OTHER_BIN]);
      await db.query(`INSERT INTO contact_points (member_id, kind, value, verified_at) SELECT m, 'mobile', 'fu-' || m, now() FROM unnest($1::uuid[]) AS m`, [ids]);
      const contactOf = new Map<string, string>(
        (await db.query(`SELECT member_id, id FROM contact_points WHERE member_id = ANY($1)`, [ids])).map((r: { member_id: string; id: string }) => [r.member_id, r.id]),
      );
      // The original's deliveries, in every state a follow-up may find, as the original's sender left them.
      await db.query(
        `INSERT INTO deliveries (id, alert_id, member_id, channel, status, reason, contact_point_id, language, accepted_at, job_partition)
         SELECT gen_random_uuid(), $1, m, 'sms', s, CASE WHEN s = 'suppressed' THEN 'opted_out' END, c, 'fr',
                CASE WHEN s IN ('accepted', 'delivered') THEN now() END, CASE WHEN s <> 'suppressed' THEN $5::smallint END
           FROM unnest($2::uuid[], $3::text[], $4::uuid[]) AS x(m, s, c)`,
        [originalAlertId, ids, facts.map((f) => f.original), ids.map((id) => contactOf.get(id)), originalPartition],
      );
      const stopped = ids.filter((_, i) => facts[i].contactSince === 'stopped');
      await db.query(`UPDATE contact_points SET sms_opted_out_at = now() WHERE member_id = ANY($1)`, [stopped]);
      const erased = ids.filter((_, i) => facts[i].contactSince === 'erased');
      await db.query(`DELETE FROM contact_points WHERE member_id = ANY($1)`, [erased]);
      const chose = facts.map((f, i) => [ids[i], f.preferenceSince] as const).filter(([, p]) => p !== null);
      await db.query(`INSERT INTO preferences (member_id, category_code, channel, enabled) SELECT m, $3, 'sms', e FROM unnest($1::uuid[], $2::bool[]) AS x(m, e)`, [
        chose.map(([m]) => m),
        chose.map(([, p]) => p),
        CATEGORY,
      ]);
    }, 60_000);

    const followUpTarget = (c: FollowUpCase, pageSize: number) => targetOf(c, { kind: 'original', originalAlertId }, pageSize);

    it.each(FOLLOW_UP_TABLE)('%s', async (_name, c, expected) => {
      const { rows } = await planInSql(followUpTarget(c, 5), c.now);
      const row = rows.get(recipients.get(keyOfFollowUp(c)) as string);
      expect(outcomeOf(row)).toBe(expected);
      expect(decideFollowUpCase(c)).toBe(expected);
      if (expected === 'send') expect({ language: row?.language, partition: row?.job_partition }).toEqual({ language: 'fr', partition: originalPartition });
    });

    it('agrees on every combination', async () => {
      const byAlert = new Map<string, FollowUpCase[]>();
      for (const c of everyFollowUpCase()) {
        const key = JSON.stringify([c.alert, c.now, c.channel]);
        byAlert.set(key, [...(byAlert.get(key) ?? []), c]);
      }
      const disagreements: string[] = [];
      let n = 0;
      for (const cases of byAlert.values()) {
        const { rows } = await planInSql(followUpTarget(cases[0], n++ % 2 === 0 ? 10_000 : 13), cases[0].now);
        for (const c of cases) {
          const sql = outcomeOf(rows.get(recipients.get(keyOfFollowUp(c)) as string));
          const ts = decideFollowUpCase(c);
          if (sql !== ts) disagreements.push(`${JSON.stringify(c)}: SQL ${sql}, TypeScript ${ts}`);
        }
      }
      expect(disagreements.slice(0, 10)).toEqual([]);
    }, 300_000);
  });
});
