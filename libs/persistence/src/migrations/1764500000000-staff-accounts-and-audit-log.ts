import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff accounts (operators, supervisors, board members, admins) with argon2id password hashes,
 * and the audit log: append-only, enforced by PostgreSQL itself so that no code path (and no one
 * with the application's credentials) can rewrite history (ADR 0007).
 */
export class StaffAccountsAndAuditLog1764500000000 implements MigrationInterface {
  name = 'StaffAccountsAndAuditLog1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE staff_accounts (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username      text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
        display_name  text NOT NULL,
        password_hash text NOT NULL,
        role          text NOT NULL CHECK (role IN ('operator', 'supervisor', 'board', 'admin')),
        police_zone   text,
        disabled_at   timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT staff_accounts_username_unique UNIQUE (username),
        -- Police act for a zone; nobody else has one.
        CONSTRAINT staff_accounts_police_zone CHECK ((role IN ('operator', 'supervisor')) = (police_zone IS NOT NULL))
      );

      CREATE TABLE staff_account_bins (
        account_id uuid NOT NULL REFERENCES staff_accounts(id) ON DELETE CASCADE,
        bin_id     text NOT NULL REFERENCES bins(id),
        PRIMARY KEY (account_id, bin_id)
      );

      CREATE TABLE audit_log (
        id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at               timestamptz NOT NULL DEFAULT now(),
        -- Not a foreign key: actors are also identity-provider subjects and command-line tools.
        actor_account_id text,
        actor_role       text CHECK (actor_role IN ('operator', 'supervisor', 'board', 'admin')),
        action           text NOT NULL CHECK (action ~ '^[a-z][a-z_]*\\.[a-z][a-z_]*$'),
        target_type      text NOT NULL CHECK (target_type ~ '^[a-z][a-z_]*$'),
        target_id        text,
        details          jsonb NOT NULL DEFAULT '{}'::jsonb,
        client_ip        text,
        user_agent       text,
        correlation_id   text
      );
      CREATE INDEX audit_log_action ON audit_log (action, id);
      CREATE INDEX audit_log_actor ON audit_log (actor_account_id, id);
      CREATE INDEX audit_log_target ON audit_log (target_type, target_id, id);
      CREATE INDEX audit_log_at ON audit_log (at);

      CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$;
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE audit_log;
      DROP FUNCTION audit_log_refuse_change();
      DROP TABLE staff_account_bins;
      DROP TABLE staff_accounts;
    `);
  }
}
