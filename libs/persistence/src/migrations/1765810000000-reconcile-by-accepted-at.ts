import { MigrationInterface, QueryRunner } from 'typeorm';
import { DeliveryDueColumns1765620000000, FALLBACK, REDIAL, RELEASE, SEND } from './1765620000000-delivery-due-columns';

/**
 * A final SMS or call status as a HOT update (issue 10; ADR 0062). The reconciliation's set was a
 * value of the generated `due` (ADR 0046), so the callback that ends an SMS or a call (`delivered`,
 * call `completed`) changed `due` and added an entry to every index of deliveries: ~80 us of
 * PostgreSQL against ~38 us for the HOT `sent`. `due` and `due_since` lose their reconciliation
 * branch, and the reconciler finds what it must look up in two other ways, neither of which a
 * callback changes:
 *
 * - `deliveries_reconcile_accepted (accepted_at, id)` over the SMS and calls the provider took: an
 *   entry written once, by the acceptance (which already leaves the jobs' index, so it was never
 *   HOT). The reconciler walks it with a durable cursor (`reconciliation_cursor`, one row): each
 *   round reads only the deliveries accepted since the last, and opens those not final.
 * - `deliveries_reconcile_due (reconcile_at)`, the open reconciliations: `reconcile_at` set (by the
 *   walk, by a late acceptance, by a redial) and no outcome yet. Only the reconciler's claims, its
 *   records and its clearing of the ended write these columns.
 *
 * The cursor starts at the beginning: the first walk reads every SMS and call once and opens those
 * the old set held, so nothing in flight during the migration is lost. Like 1765620000000, the
 * generated columns are dropped and added again (PostgreSQL 15 cannot change their expression), a
 * rewrite under an exclusive lock, so the indexes are built in the same transaction. `down()` goes
 * back through 1765620000000's own down and up: ADR 0046's columns and indexes, the data kept.
 */
export class ReconcileByAcceptedAt1765810000000 implements MigrationInterface {
  name = 'ReconcileByAcceptedAt1765810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX deliveries_job_unsent, deliveries_deferred, deliveries_reconcile_due, deliveries_fallback_due, deliveries_voice_redial_due;
      ALTER TABLE deliveries DROP COLUMN due, DROP COLUMN due_since;
      ALTER TABLE deliveries
        ADD COLUMN due text GENERATED ALWAYS AS (CASE
          WHEN ${SEND} THEN 'send'
          WHEN ${RELEASE} THEN 'release'
          WHEN ${FALLBACK} THEN 'fallback'
          WHEN ${REDIAL} THEN 'redial' END) STORED,
        ADD COLUMN due_since timestamptz GENERATED ALWAYS AS (CASE
          WHEN ${FALLBACK} THEN updated_at
          WHEN ${REDIAL} THEN status_updated_at END) STORED;
      CREATE INDEX deliveries_job_unsent ON deliveries (alert_id, channel, job_partition, member_id) WHERE due = 'send';
      CREATE INDEX deliveries_deferred ON deliveries (channel, deferred_until) WHERE due = 'release';
      CREATE INDEX deliveries_fallback_due ON deliveries (due_since) WHERE due = 'fallback';
      CREATE INDEX deliveries_voice_redial_due ON deliveries (due_since) WHERE due = 'redial';
      CREATE INDEX deliveries_reconcile_accepted ON deliveries (accepted_at, id) WHERE channel IN ('sms', 'voice') AND accepted_at IS NOT NULL;
      CREATE INDEX deliveries_reconcile_due ON deliveries (reconcile_at) WHERE reconcile_at IS NOT NULL AND reconcile_outcome IS NULL;
      CREATE TABLE reconciliation_cursor (
        single boolean PRIMARY KEY DEFAULT true CHECK (single),
        accepted_through timestamptz NOT NULL,
        after_id uuid NOT NULL);
      INSERT INTO reconciliation_cursor (accepted_through, after_id) VALUES ('-infinity', '00000000-0000-0000-0000-000000000000');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reconciliation_cursor; DROP INDEX deliveries_reconcile_accepted;`);
    // ADR 0046's columns and indexes, made as its migration makes them from the ones before it.
    const due = new DeliveryDueColumns1765620000000();
    await due.down(q);
    await due.up(q);
  }
}
