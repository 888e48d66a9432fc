import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema. Deliveries are keyed by a deterministic id derived from
 * (alert, member, channel) so that planning the same alert twice writes nothing new.
 */
export class InitialSchema1764400000000 implements MigrationInterface {
  name = 'InitialSchema1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE bins (
        id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9-]+$'),
        name        text NOT NULL,
        kind        text NOT NULL CHECK (kind IN ('BIN', 'BINZ')),
        police_zone text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE members (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        display_name text NOT NULL,
        language     text NOT NULL CHECK (language IN ('nl', 'fr', 'de', 'en')),
        is_test_group boolean NOT NULL DEFAULT false,
        created_at   timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE memberships (
        member_id uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        bin_id    text NOT NULL REFERENCES bins(id),
        role      text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'board')),
        status    text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'resigned')),
        joined_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (member_id, bin_id)
      );
      CREATE INDEX memberships_bin_active ON memberships (bin_id, member_id) WHERE status = 'active';

      CREATE TABLE contact_points (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        member_id   uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        kind        text NOT NULL CHECK (kind IN ('mobile', 'phone', 'email')),
        value       text NOT NULL,
        verified_at timestamptz,
        created_at  timestamptz NOT NULL DEFAULT now(),
        UNIQUE (member_id, kind)
      );

      CREATE TABLE categories (
        code       text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]+$'),
        name       text NOT NULL,
        rule       text NOT NULL CHECK (rule IN ('mandatory', 'opt_out', 'opt_in')),
        default_urgency text NOT NULL CHECK (default_urgency IN ('urgent', 'normal')),
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE preferences (
        member_id     uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        category_code text NOT NULL REFERENCES categories(code),
        channel       text NOT NULL CHECK (channel IN ('sms', 'email', 'voice')),
        enabled       boolean NOT NULL,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (member_id, category_code, channel)
      );

      CREATE TABLE alerts (
        id                     uuid PRIMARY KEY,
        category_code          text NOT NULL REFERENCES categories(code),
        urgency                text NOT NULL CHECK (urgency IN ('urgent', 'normal')),
        redistribution_allowed boolean NOT NULL,
        texts                  jsonb NOT NULL,
        status                 text NOT NULL CHECK (status IN ('issued')),
        created_at             timestamptz NOT NULL DEFAULT now(),
        issued_at              timestamptz
      );

      CREATE TABLE alert_bins (
        alert_id uuid NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        bin_id   text NOT NULL REFERENCES bins(id),
        PRIMARY KEY (alert_id, bin_id)
      );

      CREATE TABLE deliveries (
        id               uuid PRIMARY KEY,
        alert_id         uuid NOT NULL REFERENCES alerts(id),
        member_id        uuid NOT NULL REFERENCES members(id),
        channel          text NOT NULL CHECK (channel IN ('sms', 'email', 'voice')),
        status           text NOT NULL CHECK (status IN ('planned', 'sending', 'accepted', 'delivered', 'failed', 'suppressed')),
        reason           text,
        contact_point_id uuid REFERENCES contact_points(id) ON DELETE SET NULL,
        language         text,
        provider_id      text,
        attempts         integer NOT NULL DEFAULT 0,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        claimed_at       timestamptz,
        accepted_at      timestamptz,
        UNIQUE (alert_id, member_id, channel)
      );
      CREATE INDEX deliveries_alert_channel_status ON deliveries (alert_id, channel, status);

      CREATE TABLE outbox (
        id           bigserial PRIMARY KEY,
        topic        text NOT NULL,
        message_key  text NOT NULL,
        payload      jsonb NOT NULL,
        headers      jsonb NOT NULL DEFAULT '{}',
        created_at   timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      );
      CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox, deliveries, alert_bins, alerts, preferences, categories, contact_points, memberships, members, bins`);
  }
}
