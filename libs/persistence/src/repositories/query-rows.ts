import { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * Rows returned by any statement. DataSource.query() answers UPDATE/DELETE … RETURNING with
 * `[rows, rowCount]` but INSERT/SELECT with `rows`; the structured result is the same for all.
 */
export async function queryRows<T>(db: DataSource | EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
  return onConnection(db, async (runner) => (await runner.query(sql, parameters, true)).records as T[]);
}

/** Runs `work` on the transaction's own connection when `db` is in one, else on a connection taken for it and given back. */
async function onConnection<T>(db: DataSource | EntityManager, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
  if (db instanceof EntityManager && db.queryRunner) return work(db.queryRunner);
  const runner = (db instanceof EntityManager ? db.connection : db).createQueryRunner();
  try {
    return await work(runner);
  } finally {
    await runner.release();
  }
}

/** Databases served as one session shared by every connection (standalone's PGlite, ADR 0009). */
const ONE_SESSION_URLS = new Set<string>();

/**
 * Marks the database at `url` as one session shared by all its connections: a statement prepared
 * by name on one connection would exist on all, and the next connection's Parse of that name
 * would fail. preparedRows then runs its statements unnamed there.
 */
export function servesOneSession(url: string): void {
  ONE_SESSION_URLS.add(url);
}

interface NamedQueryClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * As queryRows, for the statements each delivery passes through many times over (the sender's
 * claim and outcome, ADR 0071): a statement prepared by `name` on its connection, so PostgreSQL
 * parses and analyses it once per connection instead of on every execution, and may keep its plan
 * (plan_cache_mode auto: a generic plan after five custom ones when it costs no more). At a chunk
 * of 16 deliveries that parse and plan was ~40 % of what the claim and the outcome cost PostgreSQL.
 * `name` must be unique to `sql` in the process (node-postgres refuses one name for two texts).
 */
export async function preparedRows<T>(db: DataSource | EntityManager, name: string, sql: string, parameters: unknown[]): Promise<T[]> {
  const source = db instanceof EntityManager ? db.connection : db;
  const url = (source.options as { url?: string }).url;
  if (url !== undefined && ONE_SESSION_URLS.has(url)) return queryRows<T>(db, sql, parameters);
  return onConnection(db, async (runner) => {
    const client = (await runner.connect()) as NamedQueryClient;
    return (await client.query({ name, text: sql, values: parameters })).rows as T[];
  });
}
