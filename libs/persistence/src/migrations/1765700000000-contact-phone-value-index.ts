import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Landlines by number, as mobiles already are (`contact_points_mobile_value`): an in-doubt call
 * (ADR 0038, second addendum) asks which deliveries went to its number, and without this index
 * each such question read every contact point (some two million at 1,000,000 members). Partial,
 * so e-mail addresses add nothing to it; the lookup reads it with the mobiles' index (a test
 * member may be called on a mobile).
 */
export class ContactPhoneValueIndex1765700000000 implements MigrationInterface {
  name = 'ContactPhoneValueIndex1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX contact_points_phone_value ON contact_points (value) WHERE kind = 'phone';`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX contact_points_phone_value;`);
  }
}
