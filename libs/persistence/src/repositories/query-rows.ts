import { DataSource } from 'typeorm';

/**
 * Rows returned by any statement. DataSource.query() answers UPDATE/DELETE … RETURNING with
 * `[rows, rowCount]` but INSERT/SELECT with `rows`; the structured result is the same for all.
 */
export async function queryRows<T>(db: DataSource, sql: string, parameters: unknown[]): Promise<T[]> {
  const runner = db.createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return result.records as T[];
  } finally {
    await runner.release();
  }
}
