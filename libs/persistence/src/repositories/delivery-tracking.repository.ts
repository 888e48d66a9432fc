import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ALERT_CONTENT_COLUMNS, AlertContentRow, alertContentFrom } from './alert-content';
import { preparedRows } from './query-rows';
import { AlertContent, Channel, DELIVERY_STATUSES, DeliveryStatus, Language, TRACKED_DELIVERY_STATUSES, TrackedDeliveryStatus, nextDeliveryStatus } from '@bin-alert/domain';

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
  /** The W3C traceparent its alert was announced under (ADR 0020), for a span link; null without tracing. */
  traceContext?: string | null;
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
  /**
   * Every status the delivery took, in order, as if the changes had been applied one by one
   * (several changes of one delivery in a batch are written once, as the last of them).
   */
  reached: DeliveryStatus[];
}

export interface DeliveryStatusChangesResult {
  /** One per delivery that exists, in the order the changes first named them. */
  outcomes: DeliveryStatusChangeOutcome[];
  /** Delivery ids named by a change that no delivery has. */
  missing: string[];
}

/** Callbacks never change these, and a "press 1" on them is not recorded either. */
const UNTOUCHABLE: readonly DeliveryStatus[] = ['planned', 'suppressed'];

/**
 * The state machine as a table, generated from the domain's nextDeliveryStatus: every (current,
 * incoming) pair it lets a delivery move on. The set-based SQL below joins on it, so the rule
 * lives in one place, libs/domain, and the SQL cannot drift from it.
 */
export const DELIVERY_TRANSITIONS: ReadonlyArray<readonly [DeliveryStatus, TrackedDeliveryStatus]> = DELIVERY_STATUSES.flatMap((current) =>
  TRACKED_DELIVERY_STATUSES.filter((incoming) => nextDeliveryStatus(current, incoming) !== null).map((incoming) => [current, incoming] as const),
);
const TRANSITIONS_FROM = DELIVERY_TRANSITIONS.map(([from]) => from);
const TRANSITIONS_TO = DELIVERY_TRANSITIONS.map(([, to]) => to);

/**
 * One UPDATE for a whole batch, one row per delivery: the rows are locked in id order (two
 * batches, or a batch and a dispatcher, cannot interleave on a row; whoever comes second sees the
 * first's result), the transition table decides whether the incoming status moves each row, and
 * the old status comes back for the live counters. A late callback of a call that was given up
 * on and redialled (its provider id superseded) says nothing about the new call.
 */
const APPLY_BATCH = `
  WITH incoming AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[])
      AS c(id, channel, status, provider_status, reason, error_code, provider_id, occurred_at, acknowledged_at)
  ), transitions AS (
    SELECT * FROM unnest($10::text[], $11::text[]) AS t(from_status, to_status)
  ), locked AS (
    SELECT d.id, d.alert_id, d.member_id, d.channel, d.status, d.acknowledged_at, d.superseded_provider_ids
      FROM deliveries d WHERE d.id = ANY($1::uuid[]) ORDER BY d.id FOR UPDATE
  ), relevant AS (
    SELECT l.id, l.alert_id, l.member_id, l.channel, l.status AS previous_status, l.acknowledged_at AS previously_acknowledged_at,
           i.status AS incoming_status, i.provider_status, i.reason, i.error_code, i.provider_id, i.occurred_at, i.acknowledged_at,
           l.channel = i.channel AND NOT (i.provider_id IS NOT NULL AND i.provider_id = ANY(l.superseded_provider_ids)) AS applies,
           t.to_status IS NOT NULL AS allowed
      FROM locked l JOIN incoming i ON i.id = l.id
      LEFT JOIN transitions t ON t.from_status = l.status AND t.to_status = i.status
  ), decided AS (
    SELECT r.*, r.applies AND r.allowed AS moves,
           r.applies AND r.acknowledged_at IS NOT NULL AND r.previously_acknowledged_at IS NULL AND NOT (r.previous_status = ANY($12::text[])) AS acknowledges
      FROM relevant r
  ), written AS (
    UPDATE deliveries d
       SET status = CASE WHEN x.moves THEN x.incoming_status ELSE d.status END,
           reason = CASE WHEN x.moves THEN x.reason ELSE d.reason END,
           provider_status = CASE WHEN x.moves THEN x.provider_status ELSE d.provider_status END,
           provider_error_code = CASE WHEN x.moves THEN x.error_code ELSE d.provider_error_code END,
           status_updated_at = CASE WHEN x.moves THEN now() ELSE d.status_updated_at END,
           delivered_at = CASE WHEN x.moves AND x.incoming_status = 'delivered' THEN COALESCE(d.delivered_at, x.occurred_at) ELSE d.delivered_at END,
           provider_id = CASE WHEN x.moves THEN COALESCE(d.provider_id, x.provider_id) ELSE d.provider_id END,
           accepted_at = CASE WHEN x.moves THEN COALESCE(d.accepted_at, now()) ELSE d.accepted_at END,
           acknowledged_at = CASE WHEN x.acknowledges THEN COALESCE(d.acknowledged_at, x.acknowledged_at) ELSE d.acknowledged_at END,
           updated_at = now()
      FROM decided x
     WHERE d.id = x.id AND (x.moves OR x.acknowledges)
    RETURNING d.id
  )
  SELECT id, alert_id, member_id, channel, previous_status, applies, moves, acknowledges,
         CASE WHEN moves THEN incoming_status ELSE previous_status END AS status
    FROM decided`;

interface AppliedRow {
  id: string;
  alert_id: string;
  member_id: string;
  channel: Channel;
  previous_status: DeliveryStatus;
  status: DeliveryStatus;
  applies: boolean;
  moves: boolean;
  acknowledges: boolean;
}

/**
 * The changes of one delivery (and one provider id) in a batch, folded with the domain's rule into
 * the one that decides the outcome: applying `decisive` alone leaves a delivery where applying
 * every change in order would (the rule only ever keeps the higher stage, and the first of equals),
 * and its fields are those the last applied change would have written. The first "press 1" keeps
 * its time.
 */
export interface FoldedStatusChange {
  decisive: DeliveryStatusChange;
  acknowledgedAt: Date | null;
  /** Position of `decisive` in the batch: folds of one delivery are written in that order. */
  position: number;
  changes: DeliveryStatusChange[];
}

/**
 * Folds a batch per delivery, channel and provider id. Provider ids are kept apart because a
 * redialled call's superseded id is only known to the database: its changes must be weighed there
 * on their own, never folded into the current call's.
 */
export function foldStatusChanges(changes: readonly DeliveryStatusChange[]): FoldedStatusChange[] {
  const folds = new Map<string, FoldedStatusChange>();
  changes.forEach((change, position) => {
    const key = `${change.deliveryId}|${change.channel}|${change.providerId ?? ''}`;
    const fold = folds.get(key);
    if (!fold) {
      folds.set(key, { decisive: change, acknowledgedAt: change.acknowledged ? change.occurredAt : null, position, changes: [change] });
      return;
    }
    fold.changes.push(change);
    if (nextDeliveryStatus(fold.decisive.status, change.status) !== null) {
      fold.decisive = change;
      fold.position = position;
    }
    if (change.acknowledged && fold.acknowledgedAt === null) fold.acknowledgedAt = change.occurredAt;
  });
  return [...folds.values()];
}

@Injectable()
export class DeliveryTrackingRepository {
  constructor(private readonly db: DataSource) {}

  /** The deliveries among `ids` that exist; ids that are not UUIDs are simply not found. */
  async findForTracking(ids: string[]): Promise<Map<string, TrackedDelivery>> {
    const wanted = [...new Set(ids.filter((id) => UUID.test(id)))];
    const found = new Map<string, TrackedDelivery>();
    if (wanted.length === 0) return found;
    const rows: Array<{
      id: string;
      alert_id: string;
      member_id: string;
      channel: Channel;
      status: DeliveryStatus;
      language: Language | null;
      correlation_id: string | null;
      trace_context: string | null;
    }> = await preparedRows(
      this.db,
      'delivery-tracking-lookup',
      `SELECT d.id, d.alert_id, d.member_id, d.channel, d.status, d.language, a.correlation_id, a.trace_context
           FROM deliveries d JOIN alerts a ON a.id = d.alert_id WHERE d.id = ANY($1::uuid[])`,
      [wanted],
    );
    for (const r of rows)
      found.set(r.id, {
        id: r.id,
        alertId: r.alert_id,
        memberId: r.member_id,
        channel: r.channel,
        status: r.status,
        language: r.language,
        correlationId: r.correlation_id,
        traceContext: r.trace_context,
      });
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

  /** One callback: `applyStatusChanges` with a batch of one. Returns null when the delivery does not exist. */
  async applyStatusChange(change: DeliveryStatusChange): Promise<DeliveryStatusChangeOutcome | null> {
    return (await this.applyStatusChanges([change])).outcomes[0] ?? null;
  }

  /**
   * Applies a batch of callbacks, in order, with the monotonic state machine: folded per delivery
   * first (foldStatusChanges), then written with one statement (APPLY_BATCH). A delivery with
   * changes under several provider ids in the batch (a redialled call, or e-mail events with and
   * without a message id) is not folded: its changes take one statement each, in the batch's
   * order, alongside the others', all in one transaction. Folding across provider ids could
   * differ from the one-by-one result in which id the row keeps.
   */
  async applyStatusChanges(changes: readonly DeliveryStatusChange[]): Promise<DeliveryStatusChangesResult> {
    const valid = changes.filter((c) => UUID.test(c.deliveryId));
    const positions = new Map(valid.map((c, i) => [c, i]));
    const perDelivery = new Map<string, FoldedStatusChange[]>();
    for (const fold of foldStatusChanges(valid)) perDelivery.set(fold.decisive.deliveryId, [...(perDelivery.get(fold.decisive.deliveryId) ?? []), fold]);
    const rounds: FoldedStatusChange[][] = [[]];
    for (const folds of perDelivery.values()) {
      if (folds.length === 1) {
        rounds[0].push(folds[0]);
        continue;
      }
      const inOrder = folds.flatMap((f) => f.changes).sort((a, b) => positions.get(a)! - positions.get(b)!);
      for (const [round, change] of inOrder.entries()) {
        rounds[round] ??= [];
        rounds[round].push({ decisive: change, acknowledgedAt: change.acknowledged ? change.occurredAt : null, position: positions.get(change)!, changes: [change] });
      }
    }

    const applied =
      rounds.length === 1
        ? [await this.applyRound(this.db, rounds[0])]
        : await this.db.transaction(async (tx) => {
            const results: Array<Map<string, AppliedRow>> = [];
            for (const round of rounds) results.push(await this.applyRound(tx, round));
            return results;
          });

    const outcomes = new Map<string, DeliveryStatusChangeOutcome>();
    rounds.forEach((round, r) => {
      for (const fold of round) {
        const row = applied[r].get(fold.decisive.deliveryId);
        if (!row) continue;
        const outcome = outcomes.get(row.id) ?? {
          deliveryId: row.id,
          alertId: row.alert_id,
          memberId: row.member_id,
          channel: row.channel,
          previousStatus: row.previous_status,
          status: row.previous_status,
          transitioned: false,
          acknowledgedNow: false,
          reached: [],
        };
        if (row.applies) outcome.reached.push(...statusesReached(row.previous_status, fold.changes));
        outcome.status = row.status;
        outcome.transitioned ||= row.moves;
        outcome.acknowledgedNow ||= row.acknowledges;
        outcomes.set(row.id, outcome);
      }
    });
    const order = [...new Set(changes.map((c) => c.deliveryId))];
    return {
      outcomes: order.flatMap((id) => outcomes.get(id) ?? []),
      missing: order.filter((id) => !outcomes.has(id)),
    };
  }

  private async applyRound(db: DataSource | EntityManager, folds: FoldedStatusChange[]): Promise<Map<string, AppliedRow>> {
    if (folds.length === 0) return new Map();
    const column = <T>(pick: (fold: FoldedStatusChange) => T) => folds.map(pick);
    const rows = await preparedRows<AppliedRow>(db, 'delivery-status-apply', APPLY_BATCH, [
      column((f) => f.decisive.deliveryId),
      column((f) => f.decisive.channel),
      column((f) => f.decisive.status),
      column((f) => f.decisive.providerStatus),
      column((f) => f.decisive.reason ?? null),
      column((f) => f.decisive.errorCode ?? null),
      column((f) => f.decisive.providerId ?? null),
      column((f) => f.decisive.occurredAt),
      column((f) => f.acknowledgedAt),
      TRANSITIONS_FROM,
      TRANSITIONS_TO,
      UNTOUCHABLE,
    ]);
    return new Map(rows.map((r) => [r.id, r]));
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
    for (const r of rows) counts[r.channel] = { ...counts[r.channel], [r.status]: r.n };
    return counts;
  }
}

/** The statuses a delivery passes through when `changes` are applied one by one from `from`. */
function statusesReached(from: DeliveryStatus, changes: readonly DeliveryStatusChange[]): DeliveryStatus[] {
  const reached: DeliveryStatus[] = [];
  let status = from;
  for (const change of changes) {
    const next = nextDeliveryStatus(status, change.status);
    if (next === null) continue;
    reached.push(next);
    status = next;
  }
  return reached;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
