import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AlertReachRow, Channel, MembershipCountRow, MessagesSentRow } from '@bin-alert/domain';

/** Statuses in which the provider took the message (and possibly confirmed it arrived). */
const REACHED = ['accepted', 'sent', 'deferred', 'answered', 'delivered'];

/**
 * The figures the boards are shown: counted from deliveries and memberships, which keep their
 * rows (pseudonymised) after a member resigns, so a resignation never changes last year's report.
 * A delivery past the retention period names no member but the BINs it belonged to
 * (member_bins), so retention does not change it either (ADR 0030).
 */
@Injectable()
export class ReportRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Per BIN, category, month (Brussels time) and channel: how many alerts targeted the BIN and
   * how many messages reached its members. A member of two targeted BINs counts in both.
   */
  async messagesSent(binIds: string[], from: Date, to: Date): Promise<MessagesSentRow[]> {
    const rows: Array<{ bin_id: string; category_code: string; month: string; channel: Channel; alerts: number; reached: number }> = await this.db.query(
      `WITH targeted AS (
         SELECT a.id, ab.bin_id, a.category_code, to_char(date_trunc('month', a.issued_at AT TIME ZONE 'Europe/Brussels'), 'YYYY-MM') AS month
           FROM alerts a JOIN alert_bins ab ON ab.alert_id = a.id
          WHERE ab.bin_id = ANY($1::text[]) AND a.issued_at >= $2 AND a.issued_at < $3)
       SELECT t.bin_id, t.category_code, t.month, c.channel,
              count(DISTINCT t.id)::int AS alerts,
              count(d.id) FILTER (WHERE d.status = ANY($4::text[]))::int AS reached
         FROM targeted t
         CROSS JOIN (VALUES ('sms'), ('email'), ('voice')) AS c(channel)
         LEFT JOIN deliveries d ON d.alert_id = t.id AND d.channel = c.channel
              AND (t.bin_id = ANY(d.member_bins) OR EXISTS (SELECT 1 FROM memberships ms WHERE ms.member_id = d.member_id AND ms.bin_id = t.bin_id))
        GROUP BY t.bin_id, t.category_code, t.month, c.channel
        ORDER BY t.bin_id, t.month, t.category_code, c.channel`,
      [binIds, from, to, REACHED],
    );
    return rows.map((r) => ({ binId: r.bin_id, category: r.category_code, month: r.month, channel: r.channel, alerts: r.alerts, reached: r.reached }));
  }

  /** Active members at the end of each month, with those who joined and left in it. */
  async membershipCounts(binIds: string[], from: Date, to: Date): Promise<MembershipCountRow[]> {
    const rows: Array<{ bin_id: string; month: string; active: number; joined: number; resigned: number }> = await this.db.query(
      `WITH months AS (
         SELECT generate_series(date_trunc('month', $2::timestamptz AT TIME ZONE 'Europe/Brussels'),
                                date_trunc('month', ($3::timestamptz - interval '1 microsecond') AT TIME ZONE 'Europe/Brussels'),
                                interval '1 month') AS start)
       SELECT b.id AS bin_id, to_char(m.start, 'YYYY-MM') AS month,
              count(ms.member_id) FILTER (WHERE ms.approved_at < (m.start + interval '1 month') AT TIME ZONE 'Europe/Brussels'
                                            AND (ms.resigned_at IS NULL OR ms.resigned_at >= (m.start + interval '1 month') AT TIME ZONE 'Europe/Brussels'))::int AS active,
              count(ms.member_id) FILTER (WHERE ms.approved_at >= m.start AT TIME ZONE 'Europe/Brussels'
                                            AND ms.approved_at < (m.start + interval '1 month') AT TIME ZONE 'Europe/Brussels')::int AS joined,
              count(ms.member_id) FILTER (WHERE ms.approved_at IS NOT NULL AND ms.resigned_at >= m.start AT TIME ZONE 'Europe/Brussels'
                                            AND ms.resigned_at < (m.start + interval '1 month') AT TIME ZONE 'Europe/Brussels')::int AS resigned
         FROM bins b CROSS JOIN months m
         LEFT JOIN memberships ms ON ms.bin_id = b.id
        WHERE b.id = ANY($1::text[])
        GROUP BY b.id, m.start
        ORDER BY b.id, m.start`,
      [binIds, from, to],
    );
    return rows.map((r) => ({ binId: r.bin_id, month: r.month, active: r.active, joined: r.joined, resigned: r.resigned }));
  }

  /** The BINs an alert targeted, or null for an unknown alert. */
  async alertBins(alertId: string): Promise<string[] | null> {
    const rows: Array<{ bin_id: string }> = await this.db.query(`SELECT bin_id FROM alert_bins WHERE alert_id = $1`, [alertId]);
    return rows.length > 0 ? rows.map((r) => r.bin_id) : null;
  }

  /** Per channel: members considered, planned (not suppressed), reached, fallbacks for a failed SMS, and why the others were not; limited to members of `binIds`. */
  async alertReach(alertId: string, binIds: string[]): Promise<AlertReachRow[]> {
    const rows: Array<{ channel: Channel; status: string; reason: string | null; n: number; fallbacks: number }> = await this.db.query(
      `SELECT d.channel, d.status, d.reason, count(*)::int AS n, count(*) FILTER (WHERE d.origin = 'fallback_from_sms')::int AS fallbacks FROM deliveries d
        WHERE d.alert_id = $1
          AND (d.member_bins && $2::text[] OR EXISTS (SELECT 1 FROM memberships ms WHERE ms.member_id = d.member_id AND ms.bin_id = ANY($2::text[])))
        GROUP BY d.channel, d.status, d.reason ORDER BY d.channel`,
      [alertId, binIds],
    );
    const byChannel = new Map<Channel, AlertReachRow>();
    for (const r of rows) {
      const c = byChannel.get(r.channel) ?? { channel: r.channel, members: 0, planned: 0, reached: 0, fallbacks: 0, suppressedByReason: {}, failedByReason: {} };
      byChannel.set(r.channel, c);
      c.members += r.n;
      c.fallbacks += r.fallbacks;
      if (r.status === 'suppressed') c.suppressedByReason[r.reason ?? 'unknown'] = (c.suppressedByReason[r.reason ?? 'unknown'] ?? 0) + r.n;
      else c.planned += r.n;
      if (REACHED.includes(r.status)) c.reached += r.n;
      if (['failed', 'undelivered', 'bounced', 'no_answer', 'busy'].includes(r.status))
        c.failedByReason[r.reason ?? r.status] = (c.failedByReason[r.reason ?? r.status] ?? 0) + r.n;
    }
    return [...byChannel.values()];
  }
}
