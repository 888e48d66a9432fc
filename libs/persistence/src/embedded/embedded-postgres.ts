import { rm, mkdir } from 'node:fs/promises';
import { AddressInfo, createServer } from 'node:net';
import * as path from 'node:path';
import type { PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';
import { servesOneSession } from '../repositories/query-rows';
import { SessionMultiplexer } from './session-multiplexer';

export interface EmbeddedPostgresOptions {
  /** Directory of the database files; created when missing. */
  dataDir: string;
  /** Delete the files first and start from nothing. */
  fresh?: boolean;
  /** Loopback port; 0 picks a free one. */
  port?: number;
  /**
   * Connections served at once. PGlite is one session: the SessionMultiplexer shares it among
   * them a query at a time, and gives an open transaction's connection the session to itself
   * until it ends, so transactions stay isolated from each other.
   */
  maxConnections?: number;
}

export interface EmbeddedPostgres {
  /** What node-postgres and TypeORM connect to, unchanged: `postgres://postgres@127.0.0.1:<port>/postgres`. */
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL compiled to WebAssembly (PGlite), in this process, served on a loopback port by
 * pglite-socket's protocol handler, so the system's repositories and the same TypeORM migrations run on it
 * unchanged (ADR 0009). Its files stay in `dataDir`, so a restart keeps the data.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  if (options.fresh) await rm(dataDir, { recursive: true, force: true });
  await mkdir(path.dirname(dataDir), { recursive: true });
  // Loaded here, not at the top: the distributed apps import this library and never need PGlite.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketHandler } = await import('@electric-sql/pglite-socket');
  // The planner derives delivery ids and job partitions in SQL (ADR 0016): the same contrib
  // extensions as the server. Subpath exports, which this project's module resolution does not read.
  const { uuid_ossp } = (await import('@electric-sql/pglite/contrib/uuid_ossp' as string)) as typeof import('@electric-sql/pglite/dist/contrib/uuid_ossp');
  const { pgcrypto } = (await import('@electric-sql/pglite/contrib/pgcrypto' as string)) as typeof import('@electric-sql/pglite/dist/contrib/pgcrypto');
  const db = await PGlite.create({ dataDir, extensions: { uuid_ossp, pgcrypto } });
  const sessions = new SessionMultiplexer(db);
  const maxConnections = options.maxConnections ?? 64;
  const handlers = new Set<InstanceType<typeof PGLiteSocketHandler>>();
  const server = createServer((socket) => {
    if (handlers.size >= maxConnections) return void socket.end('Too many connections\n');
    // pglite-socket speaks the wire protocol; the multiplexer decides what runs on the session when.
    const handler = new PGLiteSocketHandler({ queryQueue: sessions as unknown as PGLiteSocketHandlerOptions['queryQueue'], closeOnDetach: true });
    handlers.add(handler);
    const forget = () => handlers.delete(handler);
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  });
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  } catch (error) {
    await db.close();
    throw error;
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  // Every connection shares PGlite's one session: no statements prepared by name (preparedRows).
  servesOneSession(url);
  return {
    url,
    dataDir,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...handlers].map((h) => h.detach(true)));
      await closed;
      await db.close();
    },
  };
}
