import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a sender was first admitted to call the provider for a delivery whose outcome is not yet
 * recorded: the provider may have the message. A sender taking the delivery over treats it as in
 * doubt only then, not merely because it was claimed before (ADR 0025).
 */
export class DeliveryCallFence1765200000000 implements MigrationInterface {
  name = 'DeliveryCallFence1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries ADD COLUMN call_started_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries DROP COLUMN call_started_at`);
  }
}
