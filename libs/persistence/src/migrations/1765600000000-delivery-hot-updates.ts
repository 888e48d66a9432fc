import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PostgreSQL's cost per delivery (ADR 0043). `deliveries_sending_lease` served no query any more
 * (nothing looks for expired leases by time: a job that finds its deliveries held waits for their
 * lease by id), yet every claim and every admission added an entry to it, and the planner chose it
 * for `foreignLeaseEnd`, reading every dead entry once per job. Without it, the send fence's
 * renewal (lease_until, call_started_at) and the reconciler's claim change no indexed column: with
 * room left on each page, those updates are HOT (no index entries, the row stays on its page).
 * The fillfactor applies to pages written from now on.
 */
export class DeliveryHotUpdates1765600000000 implements MigrationInterface {
  name = 'DeliveryHotUpdates1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX deliveries_sending_lease;
      ALTER TABLE deliveries SET (fillfactor = 80);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE deliveries RESET (fillfactor);
      CREATE INDEX deliveries_sending_lease ON deliveries (lease_until) WHERE status = 'sending';
    `);
  }
}
