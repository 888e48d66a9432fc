import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the tracker records from provider callbacks (issue 3):
 * - deliveries take the statuses after the hand-over (sent, deferred, answered, undelivered,
 *   bounced, no_answer, busy; see DELIVERY_STATUSES), the provider's own word for the last
 *   transition, when it happened, when the message was delivered and when the member confirmed
 *   receipt (pressed 1 during the call);
 * - SMS opt-outs: the current state on the mobile contact point (sms_opted_out_at), and every
 *   STOP / START the member sent in sms_opt_outs, so that "why did X not get the SMS?" and
 *   "since when?" both have an answer. Phone numbers are not copied there: the history names
 *   the contact point.
 * The lists are written out rather than imported: a migration must not change after it ran.
 */
export class DeliveryTracking1764400000002 implements MigrationInterface {
  name = 'DeliveryTracking1764400000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_status_check;
      ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN (
        'planned', 'sending', 'accepted', 'sent', 'deferred', 'answered',
        'delivered', 'undelivered', 'bounced', 'no_answer', 'busy', 'failed', 'suppressed'));

      ALTER TABLE deliveries
        ADD COLUMN provider_status     text,
        ADD COLUMN provider_error_code text,
        ADD COLUMN status_updated_at   timestamptz,
        ADD COLUMN delivered_at        timestamptz,
        ADD COLUMN acknowledged_at     timestamptz;

      ALTER TABLE contact_points ADD COLUMN sms_opted_out_at timestamptz;
      CREATE INDEX contact_points_mobile_value ON contact_points (value) WHERE kind = 'mobile';

      CREATE TABLE sms_opt_outs (
        id                  bigserial PRIMARY KEY,
        member_id           uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        contact_point_id    uuid REFERENCES contact_points(id) ON DELETE SET NULL,
        action              text NOT NULL CHECK (action IN ('opt_out', 'opt_in')),
        keyword             text NOT NULL,
        provider_message_id text NOT NULL,
        received_at         timestamptz NOT NULL DEFAULT now(),
        UNIQUE (provider_message_id, member_id)
      );
      CREATE INDEX sms_opt_outs_member ON sms_opt_outs (member_id, received_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE sms_opt_outs;
      DROP INDEX contact_points_mobile_value;
      ALTER TABLE contact_points DROP COLUMN sms_opted_out_at;
      ALTER TABLE deliveries DROP COLUMN provider_status, DROP COLUMN provider_error_code, DROP COLUMN status_updated_at,
        DROP COLUMN delivered_at, DROP COLUMN acknowledged_at;
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
      ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
        CHECK (status IN ('planned', 'sending', 'accepted', 'delivered', 'failed', 'suppressed'));
    `);
  }
}
