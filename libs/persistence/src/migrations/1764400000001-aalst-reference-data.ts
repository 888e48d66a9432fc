import { MigrationInterface, QueryRunner } from 'typeorm';
import { AALST_BINS, CATEGORIES } from '../seed/aalst-reference-data';

/** Reference data every installation starts from: zone Aalst's BINs and the categories. */
export class AalstReferenceData1764400000001 implements MigrationInterface {
  name = 'AalstReferenceData1764400000001';

  async up(q: QueryRunner): Promise<void> {
    for (const bin of AALST_BINS) {
      await q.query(`INSERT INTO bins (id, name, kind, police_zone) VALUES ($1, $2, $3, 'aalst') ON CONFLICT (id) DO NOTHING`, [bin.id, bin.name, bin.kind]);
    }
    for (const c of CATEGORIES) {
      await q.query(`INSERT INTO categories (code, name, rule, default_urgency) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING`, [c.code, c.name, c.rule, c.defaultUrgency]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM categories WHERE code = ANY($1)`, [CATEGORIES.map((c) => c.code)]);
    await q.query(`DELETE FROM bins WHERE id = ANY($1)`, [AALST_BINS.map((b) => b.id)]);
  }
}
