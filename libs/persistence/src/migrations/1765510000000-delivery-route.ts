import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which of a channel's provider routes carried a delivery (SMS: `primary` or `secondary`, ADR
 * 0031); null until a provider accepted it, and for channels with one route only.
 */
export class DeliveryRoute1765510000000 implements MigrationInterface {
  name = 'DeliveryRoute1765510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries ADD COLUMN route text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries DROP COLUMN route`);
  }
}
