import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DEFAULT_RETENTION_DAYS, retentionCutoff } from '@bin-alert/domain';
import { aMember } from '../../../../test/support/member.builder';
import { TEST_DATABASE_URL } from '../../../../bench/src/support/test-config';
import { openDataSource } from '../data-source';
import { AlertRepository } from './alert.repository';
import { DeliveryRepository } from './delivery.repository';
import { MemberRepository } from './member.repository';
import { ReportRepository } from './report.repository';
import { RetentionRepository } from './retention.repository';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Retention on the real PostgreSQL (issue 14 item 8): past the period nothing leads to a person
 * any more, newer rows are untouched, and the boards' reports count what they counted before.
 */
describe('the retention sweep', () => {
  let db: DataSource;
  let reports: ReportRepository;
  let retention: RetentionRepository;

  beforeAll(async () => {
    db = await openDataSource(TEST_DATABASE_URL, 3);
    reports = new ReportRepository(db);
    retention = new RetentionRepository(db);
  });

  afterAll(async () => {
    await db.destroy();
  });

  const now = new Date();
  const cutoff = retentionCutoff(now, DEFAULT_RETENTION_DAYS);
  const longAgo = new Date(cutoff.getTime() - 100 * DAY_MS);
  const lately = new Date(now.getTime() - 10 * DAY_MS);
  const BINS = ['arend', 'herdersem'];

  /** An alert to both BINs at `at`, delivered by SMS and e-mail to each of `members`. */
  async function alertDeliveredAt(at: Date, members: Array<{ memberId: string; mobileId: string; emailId: string }>): Promise<string> {
    const alertId = randomUUID();
    await new AlertRepository(db).create(
      { id: alertId, categoryCode: 'burglary', urgency: 'normal', redistributionAllowed: true, binIds: BINS, texts: { nl: { title: 't', body: 'b' } }, issuedAt: at },
      null,
      { actor: null, action: 'alert.issued', target: { type: 'alert', id: alertId } },
    );
    await new DeliveryRepository(db).recordDecisions(
      alertId,
      members.flatMap((m) => [
        { send: true as const, memberId: m.memberId, channel: 'sms' as const, contactId: m.mobileId, language: 'nl' as const },
        { send: true as const, memberId: m.memberId, channel: 'email' as const, contactId: m.emailId, language: 'nl' as const },
      ]),
    );
    await db.query(
      `UPDATE deliveries SET created_at = $2, status = CASE WHEN channel = 'sms' THEN 'delivered' ELSE 'bounced' END, reason = CASE WHEN channel = 'email' THEN 'mailbox_full' END,
              provider_id = 'SM' || md5(id::text), provider_status = 'delivered', provider_error_code = '30003', claimed_by = 'dispatcher-sms-1',
              superseded_provider_ids = ARRAY['CA' || md5(id::text)]
        WHERE alert_id = $1`,
      [alertId, at],
    );
    return alertId;
  }

  it('leaves nothing personal past the period, touches nothing newer, and the yearly report still adds up', async () => {
    const tag = randomUUID().slice(0, 8);
    const people: Array<{ memberId: string; name: string; mobile: string; email: string; mobileId: string; emailId: string }> = [];
    for (const [i, bins] of [['arend'], ['herdersem'], ['arend', 'herdersem']].entries()) {
      const name = `Retentie ${tag} ${i}`;
      const mobile = `+3247${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
      const email = `retentie.${tag}.${i}@example.be`;
      const memberId = await aMember(name)
        .inBins(...bins)
        .withMobile(mobile)
        .withEmail(email)
        .save(new MemberRepository(db));
      const contacts: Array<{ id: string; kind: string }> = await db.query(`SELECT id, kind FROM contact_points WHERE member_id = $1`, [memberId]);
      people.push({ memberId, name, mobile, email, mobileId: contacts.find((c) => c.kind === 'mobile')!.id, emailId: contacts.find((c) => c.kind === 'email')!.id });
    }
    // A resigned membership still counts where it did: the report's test is "ever a member of the BIN".
    await db.query(`UPDATE memberships SET status = 'resigned', resigned_at = $2 WHERE member_id = $1 AND bin_id = 'herdersem'`, [people[2].memberId, lately]);
    const oldAlert = await alertDeliveredAt(longAgo, people);
    const newAlert = await alertDeliveredAt(lately, people);

    for (const [at, p] of [longAgo, lately].flatMap((t) => people.map((p) => [t, p] as const))) {
      await db.query(
        `INSERT INTO member_notices (id, kind, member_id, contact_point_id, status, provider_id, created_at, sent_at) VALUES ($1, 'sms_code', $2, $3, 'sent', 'SM-notice', $4, $4)`,
        [randomUUID(), p.memberId, p.mobileId, at],
      );
      await db.query(`INSERT INTO sms_opt_outs (member_id, contact_point_id, action, keyword, provider_message_id, received_at) VALUES ($1, $2, 'opt_out', 'STOP', $3, $4)`, [
        p.memberId,
        p.mobileId,
        `SM${randomUUID()}`,
        at,
      ]);
      await db.query(
        `INSERT INTO audit_log (at, actor_account_id, actor_role, action, target_type, target_id, details, client_ip, user_agent)
         VALUES ($1, 'board-arend', 'board', 'membership.approved', 'member', $2, $3, '203.0.113.7', 'Mozilla/5.0')`,
        [at, p.memberId, JSON.stringify({ memberId: p.memberId, displayName: p.name })],
      );
      await db.query(`INSERT INTO outbox (topic, message_key, payload, created_at, published_at) VALUES ('member-notices', $1, $2, $3, $3)`, [
        p.memberId,
        JSON.stringify({ type: 'member.notice', memberId: p.memberId }),
        at,
      ]);
    }

    const year = { from: new Date(longAgo.getTime() - 200 * DAY_MS), to: new Date(now.getTime() + DAY_MS) };
    const yearlyReport = () => reports.messagesSent(BINS, year.from, year.to);
    const reach = (alertId: string) => Promise.all([reports.alertReach(alertId, BINS), reports.alertReach(alertId, ['arend']), reports.alertReach(alertId, ['herdersem'])]);
    const reportBefore = await yearlyReport();
    const oldReachBefore = await reach(oldAlert);
    const newRowsBefore = await db.query(`SELECT * FROM deliveries WHERE alert_id = $1 ORDER BY id`, [newAlert]);
    expect(oldReachBefore[0].find((r) => r.channel === 'sms')).toMatchObject({ members: 3, reached: 3 });

    const swept = await retention.sweep(cutoff, 2);
    expect(swept).toMatchObject({ deliveriesPseudonymised: expect.any(Number), auditEntriesDeleted: expect.any(Number) });
    expect(swept!.deliveriesPseudonymised).toBeGreaterThanOrEqual(6);

    // Nothing older than the cutoff names one of these people, in any table that keeps history.
    const traces = people.flatMap((p) => [p.memberId, p.mobileId, p.emailId, p.name, p.mobile, p.email]);
    const surviving = async (table: string, time: string) =>
      (
        await db.query(`SELECT x.* FROM ${table} x WHERE x.${time} < $1 AND EXISTS (SELECT 1 FROM unnest($2::text[]) t WHERE strpos(row_to_json(x)::text, t) > 0)`, [
          cutoff,
          traces,
        ])
      ).length;
    expect({
      deliveries: await surviving('deliveries', 'created_at'),
      member_notices: await surviving('member_notices', 'created_at'),
      sms_opt_outs: await surviving('sms_opt_outs', 'received_at'),
      outbox: await surviving('outbox', 'created_at'),
      audit_log: await surviving('audit_log', 'at'),
    }).toEqual({ deliveries: 0, member_notices: 0, sms_opt_outs: 0, outbox: 0, audit_log: 0 });
    expect(
      await db.query(`SELECT DISTINCT provider_id, provider_status, provider_error_code, claimed_by, superseded_provider_ids FROM deliveries WHERE alert_id = $1`, [oldAlert]),
    ).toEqual([{ provider_id: null, provider_status: null, provider_error_code: null, claimed_by: null, superseded_provider_ids: [] }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM audit_log WHERE at < $1`, [cutoff])).toEqual([{ n: 0 }]);

    // Newer rows keep everything.
    expect(await db.query(`SELECT * FROM deliveries WHERE alert_id = $1 ORDER BY id`, [newAlert])).toEqual(newRowsBefore);
    const memberIds = people.map((p) => p.memberId);
    const newer = async (sql: string) => (await db.query(sql, [cutoff, memberIds]))[0].n;
    expect({
      member_notices: await newer(`SELECT count(*)::int AS n FROM member_notices WHERE created_at >= $1 AND member_id = ANY($2::uuid[])`),
      sms_opt_outs: await newer(`SELECT count(*)::int AS n FROM sms_opt_outs WHERE received_at >= $1 AND member_id = ANY($2::uuid[])`),
      outbox: await newer(`SELECT count(*)::int AS n FROM outbox WHERE created_at >= $1 AND message_key = ANY($2::text[])`),
      audit_log: await newer(`SELECT count(*)::int AS n FROM audit_log WHERE at >= $1 AND target_id = ANY($2::text[])`),
    }).toEqual({ member_notices: 3, sms_opt_outs: 3, outbox: 3, audit_log: 3 });

    // The reports count what they counted.
    expect(await yearlyReport()).toEqual(reportBefore);
    expect(await reach(oldAlert)).toEqual(oldReachBefore);

    // A second sweep finds nothing left of these rows.
    expect((await retention.sweep(cutoff, 1000))!.deliveriesPseudonymised).toBe(0);
  });

  it('keeps the audit log append-only outside the sweep, and for entries newer than its cutoff', async () => {
    const [{ id }] = await db.query(`INSERT INTO audit_log (at, action, target_type) VALUES ($1, 'alert.issued', 'alert') RETURNING id`, [new Date(cutoff.getTime() - DAY_MS)]);
    await expect(db.query(`DELETE FROM audit_log WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
    await expect(db.query(`UPDATE audit_log SET details = '{}' WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('bin_alert.audit_retention_cutoff', $1, true)`, [new Date(cutoff.getTime() - 2 * DAY_MS).toISOString()]);
        await tx.query(`DELETE FROM audit_log WHERE id = $1`, [id]);
      }),
    ).rejects.toThrow(/append-only/);
    expect((await retention.sweep(cutoff, 1000))!.auditEntriesDeleted).toBeGreaterThanOrEqual(1);
  });

  it('skips the round while another instance sweeps', async () => {
    const other = db.createQueryRunner();
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [7_240_203_0]);
      expect(await retention.sweep(cutoff, 1000)).toBeNull();
      await other.query('SELECT pg_advisory_unlock($1)', [7_240_203_0]);
      expect(await retention.sweep(cutoff, 1000)).not.toBeNull();
    } finally {
      await other.release();
    }
  });
});
