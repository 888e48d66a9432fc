import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AlertText, AuditEntry, Channel, Language, Urgency } from '@bin-alert/domain';
import { AlertEntity } from '../entities';
import { AuditTrail } from '../audit/audit-trail';

export interface NewAlert {
  id: string;
  categoryCode: string;
  urgency: Urgency;
  redistributionAllowed: boolean;
  binIds: string[];
  texts: Partial<Record<Language, AlertText>>;
  issuedAt: Date;
  /** The correlation id of the request that issued it (ADR 0010). */
  correlationId?: string;
}

export interface OutboxMessage {
  topic: string;
  key: string;
  payload: unknown;
  headers?: Record<string, string>;
}

/** Final statuses in which the member was not reached; their reasons answer "why not?". */
const UNSUCCESSFUL = new Set(['failed', 'undelivered', 'bounced', 'no_answer', 'busy']);

export interface DeliveryCounts {
  total: number;
  byStatus: Record<string, number>;
  suppressedByReason: Record<string, number>;
  /** Reasons of every unsuccessful final status (failed, undelivered, bounced, no answer, busy). */
  failedByReason: Record<string, number>;
}

export interface AlertWithCounts {
  alert: AlertEntity;
  binIds: string[];
  channels: Partial<Record<Channel, DeliveryCounts>>;
}

@Injectable()
export class AlertRepository {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditTrail = new AuditTrail(db),
  ) {}

  /** The alert, its BINs, the outbox record announcing it and its audit line: all or nothing. */
  async issue(alert: NewAlert, announcement: OutboxMessage, audit: AuditEntry): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO alerts (id, category_code, urgency, redistribution_allowed, texts, status, issued_at, correlation_id)
         VALUES ($1, $2, $3, $4, $5, 'issued', $6, $7)`,
        [alert.id, alert.categoryCode, alert.urgency, alert.redistributionAllowed, JSON.stringify(alert.texts), alert.issuedAt, alert.correlationId ?? null],
      );
      await tx.query(`INSERT INTO alert_bins (alert_id, bin_id) SELECT $1, unnest($2::text[])`, [alert.id, alert.binIds]);
      await tx.query(`INSERT INTO outbox (topic, message_key, payload, headers) VALUES ($1, $2, $3, $4)`, [
        announcement.topic,
        announcement.key,
        JSON.stringify(announcement.payload),
        JSON.stringify(announcement.headers ?? {}),
      ]);
      await this.audit.record(audit, tx);
    });
  }

  async exists(id: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM alerts WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  async findWithCounts(id: string): Promise<AlertWithCounts | null> {
    const alert = await this.db.getRepository(AlertEntity).findOneBy({ id });
    if (!alert) return null;
    const bins: Array<{ bin_id: string }> = await this.db.query(`SELECT bin_id FROM alert_bins WHERE alert_id = $1 ORDER BY bin_id`, [id]);
    const rows: Array<{ channel: Channel; status: string; reason: string | null; n: string }> = await this.db.query(
      `SELECT channel, status, reason, count(*) AS n FROM deliveries WHERE alert_id = $1 GROUP BY channel, status, reason`,
      [id],
    );
    const channels: Partial<Record<Channel, DeliveryCounts>> = {};
    for (const row of rows) {
      const c = (channels[row.channel] ??= { total: 0, byStatus: {}, suppressedByReason: {}, failedByReason: {} });
      const n = Number(row.n);
      c.total += n;
      c.byStatus[row.status] = (c.byStatus[row.status] ?? 0) + n;
      if (row.status === 'suppressed' && row.reason) c.suppressedByReason[row.reason] = (c.suppressedByReason[row.reason] ?? 0) + n;
      if (UNSUCCESSFUL.has(row.status)) {
        const reason = row.reason ?? row.status;
        c.failedByReason[reason] = (c.failedByReason[reason] ?? 0) + n;
      }
    }
    return { alert, binIds: bins.map((b) => b.bin_id), channels };
  }
}
