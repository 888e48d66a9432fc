import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an imported CAP document said beyond the alert's own columns (certainty, event, senderName,
 * source, web, the eventCodes, geocodes and parameters, resources, areas…), kept so that the
 * export writes it back (ADR 0024). The members' lines (instruction, contact) live in `texts`, per
 * language, beside title and body: no column for them.
 * A nullable column without a default: PostgreSQL only records it in the catalogue, so the alerts
 * table is neither rewritten nor locked for longer than the ALTER itself, however big it is; old
 * rows stay null and are exported as before (the alert's own terms only).
 */
export class CapDetails1765100000000 implements MigrationInterface {
  name = 'CapDetails1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerts ADD COLUMN cap_details jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerts DROP COLUMN cap_details`);
  }
}
