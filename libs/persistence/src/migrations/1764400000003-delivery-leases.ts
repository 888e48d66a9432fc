import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A claim on a delivery is a lease: the sender that holds it records the outcome; if it dies,
 * the lease runs out and another sender may take the delivery over (ADR 0005).
 */
export class DeliveryLeases1764400000003 implements MigrationInterface {
  name = 'DeliveryLeases1764400000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE deliveries ADD COLUMN claimed_by text, ADD COLUMN lease_until timestamptz;
      CREATE INDEX deliveries_sending_lease ON deliveries (lease_until) WHERE status = 'sending';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deliveries_sending_lease; ALTER TABLE deliveries DROP COLUMN claimed_by, DROP COLUMN lease_until;`);
  }
}
