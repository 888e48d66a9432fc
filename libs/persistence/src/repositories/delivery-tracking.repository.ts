import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ALERT_CONTENT_COLUMNS, AlertContentRow, alertContentFrom } from './alert-content';
import { AlertContent, Channel, DeliveryStatus, Language, TrackedDeliveryStatus, nextDeliveryStatus } from '@bin-alert/domain';

/** What the tracker needs to know about a delivery a callback names. */
export interface TrackedDelivery {
  id: string;
  alertId: string;
  memberId: string;
  channel: Channel;
  status: DeliveryStatus;
  language: Language | null;
  /** The correlation id its alert was issued under (ADR 0010); null for alerts from before it was kept. */
  correlationId?: string | null;
}

/** One provider callback, in the domain's words, to apply to its delivery. */
export interface DeliveryStatusChange {
  deliveryId: string;
  channel: Channel;
  status: TrackedDeliveryStatus;
  providerStatus: string;
  providerId?: string;
  reason?: string;
  errorCode?: string;
  /** The member confirmed receipt: sets acknowledged_at once, whatever the status does. */
  acknowledged: boolean;
  occurredAt: Date;
}

export interface DeliveryStatusChangeOutcome {
  deliveryId: string;
  alertId: string;
  memberId: string;
  channel: Channel;
  previousStatus: DeliveryStatus;
  /** The status after the change: `previousStatus` when the callback was stale or repeated. */
  status: DeliveryStatus;
  transitioned: boolean;
  /** acknowledged_at was set by this change (it was null before). */
  acknowledgedNow: boolean;
}

const UNTOUCHABLE: ReadonlySet<DeliveryStatus> = new Set(['planned', 'suppressed']);

@Injectable()
export class DeliveryTrackingRepository {
  constructor(private readonly db: DataSource) {}

  /** The deliveries among `ids` that exist; ids that are not UUIDs are simply not found. */
  async findForTracking(ids: string[]): Promise<Map<string, TrackedDelivery>> {
    const wanted = [...new Set(ids.filter((id) => UUID.test(id)))];
    const found = new Map<string, TrackedDelivery>();
    if (wanted.length === 0) return found;
    const rows: Array<{ id: string; alert_id: string; member_id: string; channel: Channel; status: DeliveryStatus; language: Language | null; correlation_id: string | null }> =
      await this.db.query(
        `SELECT d.id, d.alert_id, d.member_id, d.channel, d.status, d.language, a.correlation_id
           FROM deliveries d JOIN alerts a ON a.id = d.alert_id WHERE d.id = ANY($1::uuid[])`,
        [wanted],
      );
    for (const r of rows) found.set(r.id, { id: r.id, alertId: r.alert_id, memberId: r.member_id, channel: r.channel, status: r.status, language: r.language, correlationId: r.correlation_id });
    return found;
  }

  /**
   * What a voice delivery's call must say, and in which language; null if there is no such call.
   * `fallbackLanguage` is the zone's default language, for alerts without the member's own.
   */
  async findVoiceScript(deliveryId: string, fallbackLanguage?: Language): Promise<{ content: AlertContent; language: Language } | null> {
    if (!UUID.test(deliveryId)) return null;
    const [row]: Array<AlertContentRow & { language: Language | null }> = await this.db.query(
      `SELECT d.language, ${ALERT_CONTENT_COLUMNS}
         FROM deliveries d JOIN alerts a ON a.id = d.alert_id JOIN categories c ON c.code = a.category_code
        WHERE d.id = $1 AND d.channel = 'voice' AND d.language IS NOT NULL`,
      [deliveryId],
    );
    if (!row?.language) return null;
    const { alertId, urgency, redistributionAllowed, texts, kind, messageType, category, categoryRule } = alertContentFrom(row);
    return { language: row.language, content: { alertId, urgency, redistributionAllowed, texts, kind, messageType, category, categoryRule, fallbackLanguage } };
  }


  /**
   * Applies a callback with the monotonic state machine (nextDeliveryStatus). The row is locked
   * while its current status is read and the next one written, so two callbacks for the same
   * delivery — or a callback and the dispatcher's own outcome — cannot interleave: whichever
   * comes second sees the first's result. Returns null when the delivery does not exist.
   */
  async applyStatusChange(change: DeliveryStatusChange): Promise<DeliveryStatusChangeOutcome | null> {
    if (!UUID.test(change.deliveryId)) return null;
    return this.db.transaction(async (tx) => {
      const [row]: Array<{ alert_id: string; member_id: string; channel: Channel; status: DeliveryStatus; acknowledged_at: Date | null; superseded_provider_ids: string[] }> =
        await tx.query(`SELECT alert_id, member_id, channel, status, acknowledged_at, superseded_provider_ids FROM deliveries WHERE id = $1 FOR UPDATE`, [
          change.deliveryId,
        ]);
      if (!row) return null;
      // A late callback of a call that was given up on and redialled says nothing about the new call.
      const superseded = change.providerId !== undefined && row.superseded_provider_ids.includes(change.providerId);
      const sameChannel = row.channel === change.channel && !superseded;
      const next = sameChannel ? nextDeliveryStatus(row.status, change.status) : null;
      const acknowledge = sameChannel && change.acknowledged && row.acknowledged_at === null && !UNTOUCHABLE.has(row.status);
      const outcome: DeliveryStatusChangeOutcome = {
        deliveryId: change.deliveryId,
        alertId: row.alert_id,
        memberId: row.member_id,
        channel: row.channel,
        previousStatus: row.status,
        status: next ?? row.status,
        transitioned: next !== null,
        acknowledgedNow: acknowledge,
      };
      if (next !== null) {
        await tx.query(
          `UPDATE deliveries
              SET status = $2, reason = $3, provider_status = $4, provider_error_code = $5,
                  status_updated_at = now(), updated_at = now(),
                  delivered_at = CASE WHEN $2 = 'delivered' THEN COALESCE(delivered_at, $6) ELSE delivered_at END,
                  provider_id = COALESCE(provider_id, $7),
                  accepted_at = COALESCE(accepted_at, now()),
                  acknowledged_at = CASE WHEN $8 THEN COALESCE(acknowledged_at, $6) ELSE acknowledged_at END
            WHERE id = $1`,
          [change.deliveryId, next, change.reason ?? null, change.providerStatus, change.errorCode ?? null, change.occurredAt, change.providerId ?? null, acknowledge],
        );
      } else if (acknowledge) {
        await tx.query(`UPDATE deliveries SET acknowledged_at = $2, updated_at = now() WHERE id = $1 AND acknowledged_at IS NULL`, [change.deliveryId, change.occurredAt]);
      }
      return outcome;
    });
  }

  /**
   * How many deliveries of an alert are in each status reached through callbacks, per channel,
   * plus how many were acknowledged: what the live counters in Redis hold, recomputed from the
   * source of truth (to rebuild them, or to check them).
   */
  async trackedCounts(alertId: string, statuses: readonly DeliveryStatus[]): Promise<Partial<Record<Channel, Record<string, number>>>> {
    const rows: Array<{ channel: Channel; status: string; n: number }> = await this.db.query(
      `SELECT channel, status, count(*)::int AS n FROM deliveries WHERE alert_id = $1 AND status = ANY($2::text[]) GROUP BY channel, status
       UNION ALL
       SELECT channel, 'acknowledged', count(*)::int FROM deliveries WHERE alert_id = $1 AND acknowledged_at IS NOT NULL GROUP BY channel`,
      [alertId, [...statuses]],
    );
    const counts: Partial<Record<Channel, Record<string, number>>> = {};
    for (const r of rows) (counts[r.channel] ??= {})[r.status] = r.n;
    return counts;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
