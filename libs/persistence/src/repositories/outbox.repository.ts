import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface PendingOutboxRecord {
  id: string;
  topic: string;
  key: string;
  /** The partition chosen by the writer; otherwise the key decides. */
  partition?: number;
  payload: unknown;
  headers: Record<string, string>;
  /** Earlier publishing attempts of this record that failed. */
  attempts: number;
}

/** A record to commit to the outbox inside the caller's transaction. */
export interface NewOutboxRecord {
  topic: string;
  key: string;
  partition?: number;
  payload: unknown;
  headers: Record<string, string>;
}

export interface OutboxPublishing {
  /** Publishes records, all or nothing (rejects if any was not accepted). */
  publish(records: PendingOutboxRecord[]): Promise<void>;
  /**
   * Sets aside a record the broker keeps refusing. Resolves once the dead letter is accepted;
   * rejects if the broker refuses that too (it is down, not the record at fault).
   */
  deadLetter(record: PendingOutboxRecord, error: unknown): Promise<void>;
  /** Failed attempts after which a record is dead-lettered (if the broker takes the dead letter). */
  maxAttempts: number;
}

export interface OutboxDrainResult {
  published: number;
  deadLettered: number;
  /** Records that failed this time and stay pending. */
  failed: number;
  /** What the broker said about the first record that failed, if any. */
  firstError?: unknown;
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly db: DataSource) {}

  /** Writes records in the caller's transaction, so they leave exactly when its changes commit. */
  append(records: NewOutboxRecord[], manager: EntityManager): Promise<void> {
    return appendToOutbox(records, manager);
  }

  /**
   * Locks up to `limit` pending records (skipping those another relay holds) and publishes them.
   * If the batch is refused, each record is tried alone, so that one record the broker will
   * never take (a topic that does not exist, a record too large) cannot hold back the others;
   * such a record is dead-lettered after `maxAttempts`. Records that were not published stay
   * pending: Kafka being down delays an alert, never loses it.
   *
   * Every relay polls every OUTBOX_POLL_MS and almost every poll finds nothing: it first asks in one
   * statement, outside a transaction, whether anything is pending, and opens the locking
   * transaction only then. An empty poll was BEGIN, the locking SELECT and COMMIT: three statements,
   * about half of all the statements of a benchmark run (docs/benchmarks.md, ADR 0052). A record
   * committed just after the question waits for the next poll, as one committed just after the
   * locking SELECT did.
   */
  async publishPending(limit: number, publishing: OutboxPublishing): Promise<OutboxDrainResult> {
    const [{ pending }]: Array<{ pending: boolean }> = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL AND dead_lettered_at IS NULL) AS pending`,
    );
    if (!pending) return { published: 0, deadLettered: 0, failed: 0 };
    return this.db.transaction(async (tx) => {
      const rows: Array<{ id: string; topic: string; message_key: string; message_partition: number | null; payload: unknown; headers: Record<string, string>; attempts: number }> =
        await tx.query(
          `SELECT id, topic, message_key, message_partition, payload, headers, attempts FROM outbox
            WHERE published_at IS NULL AND dead_lettered_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [limit],
        );
      const result: OutboxDrainResult = { published: 0, deadLettered: 0, failed: 0 };
      if (rows.length === 0) return result;
      const records: PendingOutboxRecord[] = rows.map((r) => ({
        id: r.id,
        topic: r.topic,
        key: r.message_key,
        ...(r.message_partition === null ? {} : { partition: r.message_partition }),
        payload: r.payload,
        headers: r.headers,
        attempts: r.attempts,
      }));
      const published: string[] = [];
      try {
        await publishing.publish(records);
        published.push(...records.map((r) => r.id));
      } catch (batchError) {
        for (const record of records) {
          try {
            await publishing.publish([record]);
            published.push(record.id);
          } catch (error) {
            result.firstError ??= error;
            if (record.attempts + 1 >= publishing.maxAttempts && (await this.deadLettered(record, error, publishing, tx))) {
              result.deadLettered++;
            } else {
              result.failed++;
              await tx.query(`UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [record.id, String(error).slice(0, 2000)]);
            }
          }
        }
        result.firstError ??= batchError;
      }
      if (published.length > 0) await tx.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [published]);
      result.published = published.length;
      return result;
    });
  }

  private async deadLettered(record: PendingOutboxRecord, error: unknown, publishing: OutboxPublishing, tx: EntityManager): Promise<boolean> {
    try {
      await publishing.deadLetter(record, error);
    } catch {
      return false;
    }
    await tx.query(`UPDATE outbox SET attempts = attempts + 1, last_error = $2, dead_lettered_at = now() WHERE id = $1`, [record.id, String(error).slice(0, 2000)]);
    return true;
  }

  async countPending(): Promise<number> {
    const [row] = await this.db.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND dead_lettered_at IS NULL`);
    return row.n;
  }

  /** Unpublished records and the age of the oldest, for the backlog metrics. */
  async backlog(): Promise<{ pending: number; oldestAgeSeconds: number }> {
    const [row] = await this.db.query(
      `SELECT count(*)::int AS n, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age FROM outbox WHERE published_at IS NULL AND dead_lettered_at IS NULL`,
    );
    return { pending: row.n, oldestAgeSeconds: row.age };
  }
}

/** Outbox records in the caller's transaction: the one way anything is written to the outbox. */
export async function appendToOutbox(records: NewOutboxRecord[], manager: EntityManager): Promise<void> {
  if (records.length === 0) return;
  await manager.query(
    `INSERT INTO outbox (topic, message_key, message_partition, payload, headers)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::jsonb[], $5::jsonb[])`,
    [
      records.map((r) => r.topic),
      records.map((r) => r.key),
      records.map((r) => r.partition ?? null),
      records.map((r) => JSON.stringify(r.payload)),
      records.map((r) => JSON.stringify(r.headers)),
    ],
  );
}
