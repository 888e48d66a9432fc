import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reconciliation of deliveries whose callbacks were lost (ADR 0039): when a delivery is next
 * due for a lookup at the provider (`reconcile_at`, null until its first; a claim pushes it past
 * the lookup, so two trackers never ask about it at once), how many lookups were made, and how it
 * ended (`reconcile_outcome`: reported_final, or why it gave up). The partial index holds just the
 * SMS and calls the provider took that are neither final nor done with: what the sweep reads.
 */
export class DeliveryReconciliation1765520000000 implements MigrationInterface {
  name = 'DeliveryReconciliation1765520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE deliveries
        ADD COLUMN reconcile_at timestamptz,
        ADD COLUMN reconcile_checks smallint NOT NULL DEFAULT 0,
        ADD COLUMN reconcile_outcome text;
      CREATE INDEX deliveries_reconcile_due ON deliveries (updated_at)
        WHERE channel IN ('sms', 'voice') AND status IN ('accepted', 'sent', 'deferred', 'answered') AND reconcile_outcome IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX deliveries_reconcile_due;
      ALTER TABLE deliveries DROP COLUMN reconcile_at, DROP COLUMN reconcile_checks, DROP COLUMN reconcile_outcome;
    `);
  }
}
