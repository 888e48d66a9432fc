import type { DataSource } from 'typeorm';

/**
 * Rows in every table a request to intake can write. A refused request must leave each count as
 * it was; the one exception is the audit line of a failed sign-in, which is the point of a refusal.
 */
const COUNTED = [
  'alerts',
  'alert_bins',
  'outbox',
  'members',
  'memberships',
  'contact_points',
  'contact_verifications',
  'preferences',
  'member_notices',
  'interior_notifications',
  'categories',
  'category_campaigns',
  'sms_opt_outs',
  'staff_accounts',
  'staff_account_bins',
  'deliveries',
] as const;

export async function writtenRowCounts(db: DataSource): Promise<Record<string, number>> {
  const columns = [
    ...COUNTED.map((table) => `(SELECT count(*) FROM ${table})::int AS ${table}`),
    `(SELECT count(*) FROM audit_log WHERE action <> 'auth.login_failed')::int AS audit_log`,
  ];
  const [row] = (await db.query(`SELECT ${columns.join(', ')}`)) as Array<Record<string, number>>;
  return row;
}
