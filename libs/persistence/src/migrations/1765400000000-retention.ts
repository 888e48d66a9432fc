import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (ADR 0030): deliveries past the period lose their member and keep, in member_bins,
 * the BINs the member belonged to, which is all the reports ask of the member; the audit log,
 * otherwise append-only, lets the retention job (and nobody else without the table owner's
 * rights) delete entries older than the cutoff it names for its own transaction.
 */
export class Retention1765400000000 implements MigrationInterface {
  name = 'Retention1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE deliveries ALTER COLUMN member_id DROP NOT NULL, ADD COLUMN member_bins text[];
      CREATE INDEX deliveries_retention_due ON deliveries (created_at) WHERE member_id IS NOT NULL;
      CREATE INDEX member_notices_created ON member_notices (created_at);
      CREATE INDEX outbox_created ON outbox (created_at);

      CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          IF OLD.at < nullif(current_setting('bin_alert.audit_retention_cutoff', true), '')::timestamptz THEN
            RETURN OLD;
          END IF;
        END IF;
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$;
      DROP INDEX outbox_created;
      DROP INDEX member_notices_created;
      DROP INDEX deliveries_retention_due;
      -- A pseudonymised delivery cannot get its member back: it goes, and its count with it.
      DELETE FROM deliveries WHERE member_id IS NULL;
      ALTER TABLE deliveries DROP COLUMN member_bins, ALTER COLUMN member_id SET NOT NULL;
    `);
  }
}
