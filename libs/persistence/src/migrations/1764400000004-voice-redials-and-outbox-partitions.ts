import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Voice calls nobody answered (or met a busy line) are dialled again later: a delivery counts
 * its redials, and remembers the calls it gave up on so that their late callbacks cannot touch
 * the new call's status. Outbox records may name their partition (redial jobs go to the
 * member's jobs partition, like every job) and are dead-lettered when Kafka keeps refusing them
 * while it accepts others.
 */
export class VoiceRedialsAndOutboxPartitions1764400000004 implements MigrationInterface {
  name = 'VoiceRedialsAndOutboxPartitions1764400000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE deliveries
        ADD COLUMN redials integer NOT NULL DEFAULT 0,
        ADD COLUMN superseded_provider_ids text[] NOT NULL DEFAULT '{}';
      CREATE INDEX deliveries_voice_redial_due ON deliveries (status_updated_at)
        WHERE channel = 'voice' AND status IN ('no_answer', 'busy');
      ALTER TABLE outbox
        ADD COLUMN message_partition integer,
        ADD COLUMN attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN last_error text,
        ADD COLUMN dead_lettered_at timestamptz;
      DROP INDEX outbox_unpublished;
      CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL AND dead_lettered_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX outbox_unpublished;
      CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
      ALTER TABLE outbox DROP COLUMN message_partition, DROP COLUMN attempts, DROP COLUMN last_error, DROP COLUMN dead_lettered_at;
      DROP INDEX deliveries_voice_redial_due;
      ALTER TABLE deliveries DROP COLUMN redials, DROP COLUMN superseded_provider_ids;
    `);
  }
}
