import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Channel fallback for urgent alerts (ADR 0031): a delivery says why it exists (`origin`, null
 * for the alert's own planning), and an SMS delivery that ended failed or undelivered records
 * what its fallback became (`fallback`: the channel, or why none). The partial index holds just
 * the SMS whose fallback is still to decide, which is what the sweep reads every few seconds.
 */
export class ChannelFallback1765500000000 implements MigrationInterface {
  name = 'ChannelFallback1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE deliveries
        ADD COLUMN origin text CHECK (origin IN ('fallback_from_sms')),
        ADD COLUMN fallback text;
      CREATE INDEX deliveries_fallback_due ON deliveries (updated_at)
        WHERE channel = 'sms' AND status IN ('failed', 'undelivered') AND fallback IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX deliveries_fallback_due;
      ALTER TABLE deliveries DROP COLUMN origin, DROP COLUMN fallback;
    `);
  }
}
