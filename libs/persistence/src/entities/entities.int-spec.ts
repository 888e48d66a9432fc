import 'reflect-metadata';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { TEST_DATABASE_URL } from '../../../../bench/src/support/test-config';
import { dataSourceOptions } from '../data-source';
import { ENTITIES } from './index';

/**
 * The entities describe the migrated tables exactly (issue 15, item 5; ADR 0031): TypeORM's
 * schema builder, asked what it would change to make the database fit the entities, answers
 * nothing. It compares each column (type, nullability, default, key), each foreign key (name,
 * target, ON DELETE), each index (name, uniqueness, columns) and each check (by name only: its
 * expression is not compared). Tables without an entity are not looked at.
 */
describe('the TypeORM entities', () => {
  const changesToFit = async (entities: Array<new () => object>): Promise<string[]> => {
    const db = await new DataSource({ ...dataSourceOptions(TEST_DATABASE_URL, 2), entities }).initialize();
    try {
      return (await db.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
    } finally {
      await db.destroy();
    }
  };

  it('match the migrated schema: the schema builder would change nothing (otherwise fix the entity, or write the missing migration)', async () => {
    expect(await changesToFit(ENTITIES)).toEqual([]);
  });

  it('would be told apart from a table they no longer match', async () => {
    @Entity('bins')
    class BinWithoutItsZone {
      @PrimaryColumn('text') id: string;
      @Column('text') name: string;
      @Column('text') kind: string;
      @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
    }
    expect(await changesToFit([BinWithoutItsZone])).toContain(`ALTER TABLE "bins" DROP COLUMN "police_zone"`);
  });
});
