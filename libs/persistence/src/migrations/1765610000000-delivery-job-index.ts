import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A job's deliveries, read by index alone (issue 10; ADR 0043). A job names its partition and a
 * member range cut within that partition, but `deliveries_alert_channel_member` orders members of
 * every partition together: the range held every partition's rows (24 times the job's), and every
 * non-HOT status update left another entry in it, so `jobDeliveryIds` read thousands of entries
 * per job to return a few. This index holds only the rows a job can still return (to send, or in a
 * sender's hands, not held), ordered by partition before member: a job's scan reads its own rows.
 * A delivery enters it when planned and leaves it with its sender's outcome, so it adds an entry
 * at the claim and none for the tracker's status updates.
 */
export class DeliveryJobIndex1765610000000 implements MigrationInterface {
  name = 'DeliveryJobIndex1765610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX deliveries_job_unsent ON deliveries (alert_id, channel, job_partition, member_id)
        WHERE status IN ('planned', 'sending') AND deferred_until IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deliveries_job_unsent;`);
  }
}
