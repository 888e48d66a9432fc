import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AlertKind, AlertState, AlertText, AuditEntry, CapDetails, Channel, Language, MessageType, Urgency } from '@bin-alert/domain';
import { AlertEntity } from '../entities';
import { AuditTrail } from '../audit/audit-trail';
import { TRACE_PARENT_HEADER } from '@opentelemetry/core';
import { appendToOutbox } from './outbox.repository';

export interface NewAlert {
  id: string;
  categoryCode: string;
  urgency: Urgency;
  redistributionAllowed: boolean;
  binIds: string[];
  texts: Partial<Record<Language, AlertText>>;
  /** Null until the alert is issued. */
  issuedAt: Date | null;
  state?: AlertState;
  kind?: AlertKind;
  messageType?: MessageType;
  referencesAlertId?: string | null;
  audienceAlertId?: string | null;
  expiresAt?: Date | null;
  createdBy?: string | null;
  submittedBy?: string | null;
  /** CAP identity; defaults to (the installation's sender, the id) when the alert did not come as CAP. */
  capSender?: string | null;
  capIdentifier?: string | null;
  capSent?: Date | null;
  /** An imported CAP alert: the rest of its document, for the export. */
  capDetails?: CapDetails | null;
  /** The correlation id of the request that created it (ADR 0010). */
  correlationId?: string;
}

/** A lifecycle step: from one state to the next, with who did it. */
export interface AlertTransition {
  from: AlertState;
  to: AlertState;
  submittedBy?: string;
  approvedBy?: string;
  rejectedBy?: string;
  rejectionReason?: string;
  issuedAt?: Date;
}

export interface StoredAlert {
  alert: AlertEntity;
  binIds: string[];
  /** A cancel of this alert, or of the alert it follows up, was issued. */
  cancelled: boolean;
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

export interface AlertWithCounts extends StoredAlert {
  channels: Partial<Record<Channel, DeliveryCounts>>;
}

@Injectable()
export class AlertRepository {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditTrail = new AuditTrail(db),
  ) {}

  /**
   * The alert, its BINs and, when it is issued at once, the outbox record announcing it: all or
   * nothing, with its audit line. A draft or an alert awaiting approval is announced by the
   * transition that issues it.
   */
  async create(alert: NewAlert, announcement: OutboxMessage | null, audit: AuditEntry): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO alerts (id, category_code, urgency, redistribution_allowed, texts, status, issued_at, kind, message_type,
                             references_alert_id, audience_alert_id, expires_at, created_by, submitted_by, cap_sender, cap_identifier, cap_sent, correlation_id, trace_context, cap_details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
        [
          alert.id,
          alert.categoryCode,
          alert.urgency,
          alert.redistributionAllowed,
          JSON.stringify(alert.texts),
          alert.state ?? 'issued',
          alert.issuedAt,
          alert.kind ?? 'actual',
          alert.messageType ?? 'alert',
          alert.referencesAlertId ?? null,
          alert.audienceAlertId ?? null,
          alert.expiresAt ?? null,
          alert.createdBy ?? null,
          alert.submittedBy ?? null,
          alert.capSender ?? null,
          alert.capIdentifier ?? alert.id,
          alert.capSent ?? alert.issuedAt ?? new Date(),
          alert.correlationId ?? null,
          traceContextOf(announcement),
          alert.capDetails ? JSON.stringify(alert.capDetails) : null,
        ],
      );
      await tx.query(`INSERT INTO alert_bins (alert_id, bin_id) SELECT $1, unnest($2::text[])`, [alert.id, alert.binIds]);
      if (announcement) await insertOutbox(tx, announcement);
      await this.audit.record(audit, tx);
    });
  }

  /**
   * Moves the alert one step if it is still where the caller saw it (two supervisors approving at
   * once: one wins, the other is told). The announcement goes out in the same transaction.
   * Returns false when the alert was no longer in `from` (and then audits nothing).
   */
  async transition(id: string, step: AlertTransition, announcement: OutboxMessage | null, audit: AuditEntry): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { records } = await tx.queryRunner!.query(
        `UPDATE alerts SET status = $3, submitted_by = COALESCE($4, submitted_by), approved_by = COALESCE($5, approved_by),
                approved_at = CASE WHEN $5::text IS NULL THEN approved_at ELSE now() END, issued_at = COALESCE($6, issued_at),
                rejected_by = COALESCE($7, rejected_by), rejection_reason = COALESCE($8, rejection_reason), trace_context = COALESCE($9, trace_context)
          WHERE id = $1 AND status = $2 RETURNING id`,
        [
          id,
          step.from,
          step.to,
          step.submittedBy ?? null,
          step.approvedBy ?? null,
          step.issuedAt ?? null,
          step.rejectedBy ?? null,
          step.rejectionReason ?? null,
          traceContextOf(announcement),
        ],
        true,
      );
      if (records.length === 0) return false;
      if (announcement) await insertOutbox(tx, announcement);
      await this.audit.record(audit, tx);
      return true;
    });
  }

  async find(id: string): Promise<StoredAlert | null> {
    const alert = await this.db.getRepository(AlertEntity).findOneBy({ id });
    if (!alert) return null;
    const bins: Array<{ bin_id: string }> = await this.db.query(`SELECT bin_id FROM alert_bins WHERE alert_id = $1 ORDER BY bin_id`, [id]);
    const [{ cancelled }] = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM alerts c WHERE c.message_type = 'cancel' AND c.status = 'issued' AND c.audience_alert_id = $1 AND c.id <> $2) AS cancelled`,
      [alert.audienceAlertId ?? alert.id, alert.id],
    );
    return { alert, binIds: bins.map((b) => b.bin_id), cancelled };
  }

  /** The alert a CAP `references` entry names: (sender, identifier) is unique. */
  async findIdByCapIdentity(sender: string, identifier: string): Promise<string | null> {
    const [row] = await this.db.query(`SELECT id FROM alerts WHERE cap_sender = $1 AND cap_identifier = $2`, [sender, identifier]);
    return row?.id ?? null;
  }

  async exists(id: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM alerts WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  async findWithCounts(id: string): Promise<AlertWithCounts | null> {
    const stored = await this.find(id);
    if (!stored) return null;
    const rows: Array<{ channel: Channel; status: string; reason: string | null; n: string }> = await this.db.query(
      `SELECT channel, status, reason, count(*) AS n FROM deliveries WHERE alert_id = $1 GROUP BY channel, status, reason`,
      [id],
    );
    const channels: Partial<Record<Channel, DeliveryCounts>> = {};
    for (const row of rows) {
      const c = channels[row.channel] ?? { total: 0, byStatus: {}, suppressedByReason: {}, failedByReason: {} };
      channels[row.channel] = c;
      const n = Number(row.n);
      c.total += n;
      c.byStatus[row.status] = (c.byStatus[row.status] ?? 0) + n;
      if (row.status === 'suppressed' && row.reason) c.suppressedByReason[row.reason] = (c.suppressedByReason[row.reason] ?? 0) + n;
      if (UNSUCCESSFUL.has(row.status)) {
        const reason = row.reason ?? row.status;
        c.failedByReason[reason] = (c.failedByReason[reason] ?? 0) + n;
      }
    }
    return { ...stored, channels };
  }
}

/** The trace the alert is announced in (ADR 0020): the tracker links providers' callbacks to it. */
function traceContextOf(announcement: OutboxMessage | null): string | null {
  return announcement?.headers?.[TRACE_PARENT_HEADER] ?? null;
}

function insertOutbox(tx: EntityManager, message: OutboxMessage): Promise<void> {
  return appendToOutbox([{ topic: message.topic, key: message.key, payload: message.payload, headers: message.headers ?? {} }], tx);
}
