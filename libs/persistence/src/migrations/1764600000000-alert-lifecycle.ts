import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The alert lifecycle (ADR 0008):
 * - states draft → awaiting_approval → issued or rejected, with who wrote, submitted, approved or rejected it;
 * - kind actual / exercise / test (CAP status), kept apart: exercise and test reach the test group only;
 * - message type alert / update / cancel; an update or cancel references the alert it follows up,
 *   and reaches the recipients of the original it descends from (audience_alert_id);
 * - an expiry, after which nothing more is sent;
 * - the CAP identity (sender, identifier, sent) so that CAP `references` can name any alert,
 *   imported or not; unique per sender as CAP requires.
 * Deliveries that were planned but never sent before the expiry end as suppressed, reason 'expired'.
 */
export class AlertLifecycle1764600000000 implements MigrationInterface {
  name = 'AlertLifecycle1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE alerts DROP CONSTRAINT IF EXISTS alerts_status_check;
      ALTER TABLE alerts ADD CONSTRAINT alerts_status_check CHECK (status IN ('draft', 'awaiting_approval', 'issued', 'rejected'));
      ALTER TABLE alerts
        ADD COLUMN kind                text NOT NULL DEFAULT 'actual' CHECK (kind IN ('actual', 'exercise', 'test')),
        ADD COLUMN message_type        text NOT NULL DEFAULT 'alert' CHECK (message_type IN ('alert', 'update', 'cancel')),
        ADD COLUMN references_alert_id uuid REFERENCES alerts(id),
        ADD COLUMN audience_alert_id   uuid REFERENCES alerts(id),
        ADD COLUMN expires_at          timestamptz,
        ADD COLUMN created_by          text,
        ADD COLUMN submitted_by        text,
        ADD COLUMN approved_by         text,
        ADD COLUMN approved_at         timestamptz,
        ADD COLUMN rejected_by         text,
        ADD COLUMN rejection_reason    text,
        ADD COLUMN cap_sender          text,
        ADD COLUMN cap_identifier      text,
        ADD COLUMN cap_sent            timestamptz,
        ADD CONSTRAINT alerts_follow_up_references CHECK ((message_type = 'alert') = (references_alert_id IS NULL AND audience_alert_id IS NULL));
      CREATE UNIQUE INDEX alerts_cap_identity ON alerts (cap_sender, cap_identifier);
      CREATE INDEX alerts_references ON alerts (references_alert_id) WHERE references_alert_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX alerts_references;
      DROP INDEX alerts_cap_identity;
      ALTER TABLE alerts DROP CONSTRAINT alerts_follow_up_references,
        DROP COLUMN kind, DROP COLUMN message_type, DROP COLUMN references_alert_id, DROP COLUMN audience_alert_id,
        DROP COLUMN expires_at, DROP COLUMN created_by, DROP COLUMN submitted_by, DROP COLUMN approved_by, DROP COLUMN approved_at, DROP COLUMN rejected_by, DROP COLUMN rejection_reason,
        DROP COLUMN cap_sender, DROP COLUMN cap_identifier, DROP COLUMN cap_sent;
      DELETE FROM alerts WHERE status <> 'issued';
      ALTER TABLE alerts DROP CONSTRAINT alerts_status_check;
      ALTER TABLE alerts ADD CONSTRAINT alerts_status_check CHECK (status IN ('issued'));
    `);
  }
}
