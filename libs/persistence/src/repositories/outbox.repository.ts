import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface PendingOutboxRecord {
  id: string;
  topic: string;
  key: string;
  payload: unknown;
  headers: Record<string, string>;
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Locks up to `limit` unpublished records (skipping those another relay holds), hands them to
   * `publish`, and marks them published only if it resolves. If publishing fails the transaction
   * rolls back and the records stay pending: Kafka being down delays an alert, never loses it.
   * Returns how many were published.
   */
  async publishPending(limit: number, publish: (records: PendingOutboxRecord[]) => Promise<void>): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows: Array<{ id: string; topic: string; message_key: string; payload: unknown; headers: Record<string, string> }> = await tx.query(
        `SELECT id, topic, message_key, payload, headers FROM outbox
          WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return 0;
      await publish(rows.map((r) => ({ id: r.id, topic: r.topic, key: r.message_key, payload: r.payload, headers: r.headers })));
      await tx.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  async countPending(): Promise<number> {
    const [row] = await this.db.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`);
    return row.n;
  }

  /** Unpublished records and the age of the oldest, for the backlog metrics. */
  async backlog(): Promise<{ pending: number; oldestAgeSeconds: number }> {
    const [row] = await this.db.query(
      `SELECT count(*)::int AS n, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age FROM outbox WHERE published_at IS NULL`,
    );
    return { pending: row.n, oldestAgeSeconds: row.age };
  }
}
