import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditEntry } from '@bin-alert/domain';
import { TEST_DATABASE_URL } from '../../../../bench/src/support/test-config';
import { openDataSource } from '../data-source';
import { AlertRepository } from '../repositories/alert.repository';
import { AuditTrail } from './audit-trail';

/** The audit log on the real PostgreSQL: written with the action or not at all, and never rewritten. */
describe('AuditTrail', () => {
  let db: DataSource;
  let audit: AuditTrail;

  beforeAll(async () => {
    db = await openDataSource(TEST_DATABASE_URL, 3);
    audit = new AuditTrail(db);
  });

  afterAll(async () => {
    await db.destroy();
  });

  const counts = async (alertId: string) =>
    (
      await db.query(`SELECT (SELECT count(*) FROM alerts WHERE id = $1::uuid)::int AS alerts, (SELECT count(*) FROM audit_log WHERE target_id = $1::text)::int AS audit`, [
        alertId,
      ])
    )[0];
  const anAlert = (id: string) => ({
    id,
    categoryCode: 'general',
    urgency: 'normal' as const,
    redistributionAllowed: true,
    binIds: ['arend'],
    texts: { nl: { title: 't', body: 'b' } },
    issuedAt: new Date(),
  });
  const announcement = (id: string) => ({ topic: 'test.unpublished', key: id, payload: {} });

  it('commits an alert and its audit line together', async () => {
    const id = randomUUID();
    await new AlertRepository(db).create(anAlert(id), announcement(id), { actor: { accountId: 'op-1', role: 'operator' }, action: 'alert.issued', target: { type: 'alert', id } });
    await db.query(`UPDATE outbox SET published_at = now() WHERE message_key = $1`, [id]);
    expect(await counts(id)).toEqual({ alerts: 1, audit: 1 });
  });

  it('writes no alert when its audit line cannot be written', async () => {
    const id = randomUUID();
    const broken: AuditEntry = { actor: null, action: 'alert.issued', target: { type: 'Not A Type', id } };
    await expect(new AlertRepository(db).create(anAlert(id), announcement(id), broken)).rejects.toThrow(/audit_log_target_type_check/);
    expect(await counts(id)).toEqual({ alerts: 0, audit: 0 });
    expect(await db.query(`SELECT 1 FROM outbox WHERE message_key = $1`, [id])).toEqual([]);
  });

  it('never stores phone numbers or e-mail addresses in the details', async () => {
    const id = randomUUID();
    await audit.record(
      { actor: null, action: 'member.changed', target: { type: 'member', id }, details: { mobile: '+32470000011', note: 'wrote to member11@example.be, called 0470 12 34 56' } },
      db.manager,
    );
    const [{ details }] = await db.query(`SELECT details FROM audit_log WHERE target_id = $1`, [id]);
    expect(details).toEqual({ mobile: '[redacted]', note: 'wrote to [redacted], called [redacted]' });
  });

  it.each([
    ['UPDATE', `UPDATE audit_log SET action = 'alert.cancelled'`],
    ['DELETE', `DELETE FROM audit_log`],
    ['TRUNCATE', `TRUNCATE audit_log`],
  ])('lets PostgreSQL refuse %s on the audit log', async (operation, sql) => {
    const before = await db.query(`SELECT count(*)::int AS n, max(id)::text AS last FROM audit_log`);
    expect(before[0].n).toBeGreaterThan(0);
    await expect(db.query(sql)).rejects.toThrow(`audit_log is append-only: ${operation} refused`);
    expect(await db.query(`SELECT count(*)::int AS n, max(id)::text AS last FROM audit_log`)).toEqual(before);
  });
});
