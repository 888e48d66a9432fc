import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Membership lifecycle, categories' quiet-hours behaviour, member preferences and the notices a
 * member gets about their membership (ADR 0011):
 * - memberships go applied → active (board approval) → resigned, or applied → refused; the
 *   approval and resignation times give the membership counts per BIN over time;
 * - members have quiet hours (local HH:MM) and are pseudonymised when they resign (erased_at);
 * - categories say whether they wait for quiet hours (respect) or not (override); switching a
 *   category's rule starts a campaign;
 * - a delivery held for quiet hours is planned with deferred_until; the dispatcher releases it;
 * - member_notices: e-mails and SMS about membership (campaign invitation, e-mail confirmation,
 *   SMS code), each sent once, naming the contact point rather than copying the address;
 * - contact_verifications: the hashed SMS code, its expiry and the attempts;
 * - interior_notifications: the record the police send on to FOD Binnenlandse Zaken when a board
 *   member resigns.
 * The lists are written out rather than imported: a migration must not change after it ran.
 */
export class MembershipAndPreferences1764700000000 implements MigrationInterface {
  name = 'MembershipAndPreferences1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE members
        ADD COLUMN quiet_hours_start text CHECK (quiet_hours_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        ADD COLUMN quiet_hours_end   text CHECK (quiet_hours_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        ADD COLUMN consent_at        timestamptz,
        ADD COLUMN erased_at         timestamptz,
        ADD CONSTRAINT members_quiet_hours_both CHECK ((quiet_hours_start IS NULL) = (quiet_hours_end IS NULL));

      ALTER TABLE memberships DROP CONSTRAINT IF EXISTS memberships_status_check;
      ALTER TABLE memberships ADD CONSTRAINT memberships_status_check CHECK (status IN ('applied', 'active', 'refused', 'resigned'));
      ALTER TABLE memberships
        ADD COLUMN approved_at  timestamptz DEFAULT now(),
        ADD COLUMN approved_by  text,
        ADD COLUMN resigned_at  timestamptz,
        ADD COLUMN resigned_by  text;
      UPDATE memberships SET approved_at = joined_at;
      CREATE INDEX memberships_bin_history ON memberships (bin_id, approved_at, resigned_at);

      ALTER TABLE categories
        ADD COLUMN quiet_hours     text NOT NULL DEFAULT 'respect' CHECK (quiet_hours IN ('respect', 'override')),
        ADD COLUMN rule_changed_at timestamptz;
      UPDATE categories SET quiet_hours = 'override' WHERE code = 'missing_person';

      ALTER TABLE deliveries ADD COLUMN deferred_until timestamptz;
      CREATE INDEX deliveries_deferred ON deliveries (channel, deferred_until) WHERE status = 'planned' AND deferred_until IS NOT NULL;

      CREATE TABLE category_campaigns (
        id            uuid PRIMARY KEY,
        category_code text NOT NULL REFERENCES categories(code),
        from_rule     text NOT NULL,
        to_rule       text NOT NULL,
        started_by    text NOT NULL,
        started_at    timestamptz NOT NULL DEFAULT now(),
        recipients    integer NOT NULL
      );

      CREATE TABLE member_notices (
        id               uuid PRIMARY KEY,
        kind             text NOT NULL CHECK (kind IN ('category_invitation', 'email_confirmation', 'sms_code', 'preferences_link')),
        member_id        uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        contact_point_id uuid REFERENCES contact_points(id) ON DELETE SET NULL,
        campaign_id      uuid REFERENCES category_campaigns(id),
        category_code    text REFERENCES categories(code),
        status           text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'sending', 'sent', 'failed')),
        provider_id      text,
        reason           text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        sent_at          timestamptz
      );
      CREATE UNIQUE INDEX member_notices_once_per_campaign ON member_notices (campaign_id, member_id) WHERE campaign_id IS NOT NULL;

      CREATE TABLE contact_verifications (
        contact_point_id uuid PRIMARY KEY REFERENCES contact_points(id) ON DELETE CASCADE,
        code_hash        text NOT NULL,
        expires_at       timestamptz NOT NULL,
        attempts         integer NOT NULL DEFAULT 0
      );

      CREATE TABLE interior_notifications (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        member_id    uuid REFERENCES members(id) ON DELETE SET NULL,
        bin_id       text NOT NULL REFERENCES bins(id),
        event        text NOT NULL CHECK (event IN ('board_member_resigned')),
        -- The ministry needs to know who; replaced by the pseudonym once the police sent it on.
        display_name text NOT NULL,
        occurred_at  timestamptz NOT NULL,
        recorded_by  text NOT NULL,
        sent_at      timestamptz,
        sent_by      text
      );
      CREATE INDEX interior_notifications_unsent ON interior_notifications (occurred_at) WHERE sent_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE interior_notifications, contact_verifications, member_notices, category_campaigns;
      DROP INDEX deliveries_deferred;
      ALTER TABLE deliveries DROP COLUMN deferred_until;
      ALTER TABLE categories DROP COLUMN quiet_hours, DROP COLUMN rule_changed_at;
      DROP INDEX memberships_bin_history;
      ALTER TABLE memberships DROP COLUMN approved_at, DROP COLUMN approved_by, DROP COLUMN resigned_at, DROP COLUMN resigned_by;
      DELETE FROM memberships WHERE status IN ('applied', 'refused');
      ALTER TABLE memberships DROP CONSTRAINT memberships_status_check;
      ALTER TABLE memberships ADD CONSTRAINT memberships_status_check CHECK (status IN ('active', 'resigned'));
      ALTER TABLE members DROP CONSTRAINT members_quiet_hours_both, DROP COLUMN quiet_hours_start, DROP COLUMN quiet_hours_end,
        DROP COLUMN consent_at, DROP COLUMN erased_at;
    `);
  }
}
