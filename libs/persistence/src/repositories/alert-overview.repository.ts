import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AlertKind, AlertListItem, AlertState, AlertVisibility, Channel, MessageType, Urgency, shownStatus } from '@bin-alert/domain';

export interface AlertListCursor {
  /** created_at as PostgreSQL prints it, to the microsecond (a JS Date would lose those). */
  createdAt: string;
  id: string;
}

/** A page of the list, its items as the API sends them (the console reads the same type). */
export interface AlertListPage {
  alerts: AlertListItem[];
  next: AlertListCursor | null;
}

export interface ChannelTimings {
  firstDeliveredAt: Date | null;
  lastDeliveredAt: Date | null;
  acknowledged: number;
  /** Deliveries that are a channel fallback for a failed SMS of an urgent alert (ADR 0032). */
  fallbacks: number;
}

/**
 * What the console lists and the dashboard adds to an alert's delivery counts. Reads only; the
 * visibility filter is the SQL form of the domain's scope, so a page never holds an alert its
 * reader may not see (filtering after paging would make pages short and leak their count).
 */
@Injectable()
export class AlertOverviewRepository {
  constructor(private readonly db: DataSource) {}

  /** Newest first, keyset-paged so that alerts issued meanwhile do not shift the next page. */
  async listVisible(visibility: AlertVisibility, limit: number, before?: AlertListCursor, state?: AlertState): Promise<AlertListPage> {
    const params: unknown[] = [limit + 1];
    const where: string[] = [];
    const scope = visibilityCondition(visibility, params);
    if (scope) where.push(scope);
    if (state) {
      params.push(state);
      where.push(`a.status = $${params.length}`);
    }
    if (before) {
      params.push(before.createdAt, before.id);
      where.push(`(a.created_at, a.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const rows: Array<{
      id: string;
      status: AlertState;
      kind: AlertKind;
      message_type: MessageType;
      references_alert_id: string | null;
      expires_at: Date | null;
      cancelled: boolean;
      category_code: string;
      urgency: Urgency;
      redistribution_allowed: boolean;
      texts: Record<string, { title?: string }>;
      issued_at: Date | null;
      created_at: string;
      bins: string[];
    }> = await this.db.query(
      `SELECT a.id, a.status, a.kind, a.message_type, a.references_alert_id, a.expires_at, a.category_code, a.urgency, a.redistribution_allowed, a.texts, a.issued_at, a.created_at::text AS created_at,
                ARRAY(SELECT ab.bin_id FROM alert_bins ab WHERE ab.alert_id = a.id ORDER BY ab.bin_id) AS bins,
                -- The same rule as AlertRepository.find: a cancel of the chain ends every alert in it.
                EXISTS (SELECT 1 FROM alerts c WHERE c.message_type = 'cancel' AND c.status = 'issued'
                         AND c.audience_alert_id = COALESCE(a.audience_alert_id, a.id) AND c.id <> a.id) AS cancelled
           FROM alerts a
          ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY a.created_at DESC, a.id DESC
          LIMIT $1`,
      params,
    );
    const page = rows.slice(0, limit);
    const now = new Date();
    const counts = await this.countsFor(page.map((r) => r.id));
    const last = page[page.length - 1];
    return {
      alerts: page.map((r) => ({
        id: r.id,
        status: shownStatus({ state: r.status, expiresAt: r.expires_at, cancelled: r.cancelled }, now),
        kind: r.kind,
        messageType: r.message_type,
        references: r.references_alert_id,
        category: r.category_code,
        urgency: r.urgency,
        redistributionAllowed: r.redistribution_allowed,
        title: r.texts.nl?.title ?? Object.values(r.texts).find((t) => t?.title)?.title ?? null,
        bins: r.bins,
        issuedAt: r.issued_at?.toISOString() ?? null,
        channels: counts.get(r.id) ?? {},
      })),
      next: rows.length > limit && last ? { createdAt: last.created_at, id: last.id } : null,
    };
  }

  async isVisible(alertId: string, visibility: AlertVisibility): Promise<boolean> {
    const params: unknown[] = [alertId];
    const scope = visibilityCondition(visibility, params);
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM alerts a WHERE a.id = $1${scope ? ` AND ${scope}` : ''}`, params);
    return rows.length > 0;
  }

  /**
   * First and last delivery and acknowledgements, per channel. Delivery times are the provider's,
   * on its clock and at its precision (an SMS delivery report to the minute), so none is put
   * before the moment the provider accepted the message on ours. Also the fallbacks per channel.
   */
  async timings(alertId: string): Promise<Partial<Record<Channel, ChannelTimings>>> {
    const rows: Array<{ channel: Channel; first: Date | null; last: Date | null; acknowledged: string; fallbacks: string }> = await this.db.query(
      `SELECT channel, min(GREATEST(delivered_at, accepted_at)) AS first, max(GREATEST(delivered_at, accepted_at)) AS last, count(acknowledged_at) AS acknowledged,
              count(*) FILTER (WHERE origin = 'fallback_from_sms') AS fallbacks
         FROM deliveries WHERE alert_id = $1 GROUP BY channel`,
      [alertId],
    );
    return Object.fromEntries(
      rows.map((r) => [r.channel, { firstDeliveredAt: r.first, lastDeliveredAt: r.last, acknowledged: Number(r.acknowledged), fallbacks: Number(r.fallbacks) }]),
    );
  }

  /**
   * Deliveries per channel, provider route and status, for the channels whose deliveries record
   * the route that carried them (SMS, ADR 0033); routes in name order.
   */
  async routeCounts(alertId: string): Promise<Partial<Record<Channel, Record<string, Record<string, number>>>>> {
    const rows: Array<{ channel: Channel; route: string; status: string; n: string }> = await this.db.query(
      `SELECT channel, route, status, count(*) AS n FROM deliveries WHERE alert_id = $1 AND route IS NOT NULL GROUP BY channel, route, status ORDER BY route`,
      [alertId],
    );
    const result: Partial<Record<Channel, Record<string, Record<string, number>>>> = {};
    for (const row of rows) {
      const routes = result[row.channel] ?? {};
      routes[row.route] = { ...routes[row.route], [row.status]: Number(row.n) };
      result[row.channel] = routes;
    }
    return result;
  }

  private async countsFor(alertIds: string[]): Promise<Map<string, Partial<Record<Channel, Record<string, number>>>>> {
    const result = new Map<string, Partial<Record<Channel, Record<string, number>>>>();
    if (alertIds.length === 0) return result;
    const rows: Array<{ alert_id: string; channel: Channel; status: string; n: string }> = await this.db.query(
      `SELECT alert_id, channel, status, count(*) AS n FROM deliveries WHERE alert_id = ANY($1::uuid[]) GROUP BY alert_id, channel, status`,
      [alertIds],
    );
    for (const row of rows) {
      const channels = result.get(row.alert_id) ?? {};
      channels[row.channel] = { ...channels[row.channel], [row.status]: Number(row.n) };
      result.set(row.alert_id, channels);
    }
    return result;
  }
}

function visibilityCondition(visibility: AlertVisibility, params: unknown[]): string | null {
  switch (visibility.kind) {
    case 'all':
      return null;
    case 'zone':
      params.push(visibility.policeZone);
      return `EXISTS (SELECT 1 FROM alert_bins ab JOIN bins b ON b.id = ab.bin_id WHERE ab.alert_id = a.id AND b.police_zone = $${params.length})`;
    case 'bins':
      params.push(visibility.binIds);
      return `EXISTS (SELECT 1 FROM alert_bins ab WHERE ab.alert_id = a.id AND ab.bin_id = ANY($${params.length}::text[]))`;
  }
}
