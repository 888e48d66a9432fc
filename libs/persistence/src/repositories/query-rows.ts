import { DataSource, EntityManager } from 'typeorm';

/**
 * Rows returned by any statement. DataSource.query() answers UPDATE/DELETE … RETURNING with
 * `[rows, rowCount]` but INSERT/SELECT with `rows`; the structured result is the same for all.
 */
export async function queryRows<T>(db: DataSource | EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
  // In a transaction, the transaction's own connection.
  if (db instanceof EntityManager && db.queryRunner) return (await db.queryRunner.query(sql, parameters, true)).records as T[];
  const runner = (db instanceof EntityManager ? db.connection : db).createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return result.records as T[];
  } finally {
    await runner.release();
  }
}
