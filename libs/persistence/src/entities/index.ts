import { AlertEntity } from './alert.entity';
import { BinEntity } from './bin.entity';
import { CategoryEntity } from './category.entity';

export { AlertEntity, BinEntity, CategoryEntity };

/**
 * Only the tables the repositories read through TypeORM's Repository API have an entity; every
 * other table is read and written with SQL (ADR 0031). Each entity matches its migrated table
 * exactly: entities.int-spec.ts asks TypeORM for the difference and expects none.
 */
export const ENTITIES = [AlertEntity, BinEntity, CategoryEntity];
