import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audience snapshots the three channels' planners share (ADR 0067): one UNLOGGED table per
 * alert, `planning_audience_<alert id>`, built by the first planner to arrive and listed here with
 * the channels that have planned from it; the last of them drops it. Leftovers (a channel whose
 * dispatcher never came, a planner that crashed) are dropped by the next planning an hour later.
 */
export class PlanningAudiences1765800000000 implements MigrationInterface {
  name = 'PlanningAudiences1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE planning_audiences (
        alert_id   uuid PRIMARY KEY,
        planned    text[] NOT NULL DEFAULT '{}',
        built_at   timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    const rows: Array<{ alert_id: string }> = await q.query(`SELECT alert_id FROM planning_audiences`);
    for (const { alert_id } of rows) await q.query(`DROP TABLE IF EXISTS planning_audience_${alert_id.replace(/-/g, '')}`);
    await q.query(`DROP TABLE planning_audiences;`);
  }
}
