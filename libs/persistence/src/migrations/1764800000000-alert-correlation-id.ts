import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The correlation id under which an alert was issued: the tracker looks it up when a provider's
 * status callback arrives, so that the callback's log lines and events carry it too (ADR 0010).
 */
export class AlertCorrelationId1764800000000 implements MigrationInterface {
  name = 'AlertCorrelationId1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerts ADD COLUMN correlation_id text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerts DROP COLUMN correlation_id`);
  }
}
