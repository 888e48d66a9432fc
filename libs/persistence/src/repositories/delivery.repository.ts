import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ACCEPTANCE_RECORDED_WITHIN_SECONDS,
  Channel,
  DISPATCH_MOVES,
  HELD_BY_SENDER,
  Language,
  RecipientDecision,
  SENDER_OUTCOME_MOVES,
  SenderOutcome,
  TRACKED_DELIVERY_STATUSES,
  deliveryId,
} from '@bin-alert/domain';
import { preparedRows, queryRows } from './query-rows';
import { ALERT_CONTENT_COLUMNS, AlertContentRow, StoredAlertContent, alertContentFrom } from './alert-content';

/** A delivery claimed for sending, with the address it goes to (never logged). */
export interface ClaimedDelivery {
  id: string;
  memberId: string;
  language: Language;
  to: string | null;
  /**
   * Set when an earlier sender was admitted to call the provider for this delivery and never
   * recorded the outcome (it died, or lost its lease): the provider may already have it. The time
   * of that admission bounds the lookup.
   */
  inDoubtSince: Date | null;
  /** When the delivery was planned: bounds how long an outage may hold it (holdUnsentDelivery). */
  plannedAt: Date;
}

export interface ReleasedDelivery {
  id: string;
  memberId: string;
  content: StoredAlertContent;
}

/**
 * What became of a claimed delivery: accepted or failed by the provider; held (planned again until
 * `retryAt`, with the reason) because the provider or the rate limiter was away; or in doubt (an
 * earlier call may have gone out and nothing can tell: parked, never sent again, ADR 0025).
 */
export interface DeliveryOutcome {
  id: string;
  /** Which of the domain's SENDER_OUTCOME_MOVES the delivery makes. */
  status: SenderOutcome;
  providerId?: string;
  /** accepted: the provider route that took it, when the channel has several (ADR 0033). */
  route?: string;
  reason?: string;
  /** held: when the deferred-delivery releaser emits it again. */
  retryAt?: Date;
  /** held: the doubt an earlier holder left, kept for the next sender (ClaimedDelivery.inDoubtSince). */
  inDoubtSince?: Date | null;
  /**
   * accepted: when the provider's acceptance came back to the sender (ADR 0057). Recorded as the
   * delivery's `accepted_at`, kept between its claim and the outcome's write (clocks apart); the
   * write's own time when absent.
   */
  acceptedAt?: Date;
}

@Injectable()
export class DeliveryRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Writes one row per decision in a single statement: planned for those to contact, suppressed
   * with the reason for the others. Ids are deterministic, so a second planning pass of the same
   * alert (a redelivered event) inserts nothing. Returns the number of rows actually inserted.
   */
  async recordDecisions(alertId: string, decisions: RecipientDecision[]): Promise<number> {
    return (await this.recordNewDecisions(alertId, decisions)).length;
  }

  /** As recordDecisions, returning the decisions whose rows were new (what the metrics count). */
  async recordNewDecisions(alertId: string, decisions: RecipientDecision[]): Promise<RecipientDecision[]> {
    if (decisions.length === 0) return [];
    const cols = {
      id: [] as string[],
      member: [] as string[],
      channel: [] as string[],
      status: [] as string[],
      reason: [] as (string | null)[],
      contact: [] as (string | null)[],
      language: [] as (string | null)[],
    };
    for (const d of decisions) {
      cols.id.push(deliveryId(alertId, d.memberId, d.channel));
      cols.member.push(d.memberId);
      cols.channel.push(d.channel);
      cols.status.push(d.send ? 'planned' : 'suppressed');
      cols.reason.push(d.send ? null : d.reason);
      cols.contact.push(d.send ? d.contactId : null);
      cols.language.push(d.send ? d.language : null);
    }
    const inserted = await queryRows<{ id: string }>(
      this.db,
      `INSERT INTO deliveries (id, alert_id, member_id, channel, status, reason, contact_point_id, language)
       SELECT id, $2::uuid, member_id, channel, status, reason, contact_point_id, language
         FROM unnest($1::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[])
              AS t(id, member_id, channel, status, reason, contact_point_id, language)
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [cols.id, alertId, cols.member, cols.channel, cols.status, cols.reason, cols.contact, cols.language],
    );
    const fresh = new Set(inserted.map((r) => r.id));
    return decisions.filter((_, i) => fresh.has(cols.id[i]));
  }

  /**
   * Claims the given deliveries for `holder` for `leaseMs`: those still planned, those whose
   * previous holder's lease ran out (it died mid-send), and those `holder` itself claimed before
   * a failure made it retry the job (a job's chunks hold different deliveries, and a member's
   * jobs are on one partition, handled one at a time: nothing else of this holder is working on
   * them). A row lock serialises competing claims, and the loser re-reads the row and finds it
   * taken: a delivery has one holder at a time. With `admit`, the claim is also the fence's
   * renewal (admitToProvider): the claimed deliveries are marked as possibly with the provider
   * from now on (ADR 0043); `inDoubtSince` is still what an earlier holder left.
   */
  async claim(ids: string[], holder: string, leaseMs: number, options: { admit?: boolean } = {}): Promise<ClaimedDelivery[]> {
    if (ids.length === 0) return [];
    const rows = await preparedRows<{ id: string; member_id: string; language: Language; to: string | null; in_doubt_since: Date | null; planned_at: Date }>(
      this.db,
      'delivery-claim',
      `UPDATE deliveries d
          SET status = $4::text, claimed_by = $2, claimed_at = now(), updated_at = now(),
              lease_until = now() + make_interval(secs => $3::double precision / 1000), attempts = d.attempts + 1,
              call_started_at = CASE WHEN $7::boolean THEN COALESCE(d.call_started_at, now()) ELSE d.call_started_at END
         FROM (SELECT id, call_started_at FROM deliveries WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE) p
        WHERE d.id = p.id
          AND (d.status = ANY($5::text[]) OR (d.status = ANY($6::text[]) AND (d.lease_until < now() OR d.claimed_by = $2)))
       RETURNING d.id, d.member_id, d.language, p.call_started_at AS in_doubt_since, d.created_at AS planned_at,
                 (SELECT cp.value FROM contact_points cp WHERE cp.id = d.contact_point_id) AS "to"`,
      [ids, holder, leaseMs, DISPATCH_MOVES.claim.to, DISPATCH_MOVES.claim.from, DISPATCH_MOVES.takeOver.from, options.admit === true],
    );
    return rows.map((r) => ({
      id: r.id,
      memberId: r.member_id,
      language: r.language,
      to: r.to,
      inDoubtSince: r.in_doubt_since ? new Date(r.in_doubt_since) : null,
      plannedAt: new Date(r.planned_at),
    }));
  }

  /**
   * The fence before a provider call: of `ids`, those `holder` still holds get their lease renewed
   * for `leaseMs` from now (the database's clock) and are marked as possibly with the provider from
   * then on; the others were taken over and must not be sent by `holder`. Ownership, not the clock,
   * decides: a lease that ran out but was not taken over is still the holder's, and the row lock
   * orders this renewal and a competing claim, so exactly one of them wins.
   */
  async admitToProvider(ids: string[], holder: string, leaseMs: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await preparedRows<{ id: string }>(
      this.db,
      'delivery-admit',
      `UPDATE deliveries
          SET lease_until = now() + make_interval(secs => $3::double precision / 1000),
              call_started_at = COALESCE(call_started_at, now())
        WHERE id = ANY($1::uuid[]) AND status = $4::text AND claimed_by = $2
       RETURNING id`,
      [ids, holder, leaseMs, HELD_BY_SENDER],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Releases the deliveries of `channel` held (quiet hours, an outage) until `now` or earlier: hands them,
   * with their alert's content, to `publish` (which emits their jobs), then lifts the hold, all
   * under the rows' locks. Only the releaser ever emits a held delivery, so a sender never sees
   * one early; if the hold cannot be lifted after publishing, the next release emits the jobs
   * again and the senders' claims keep the send once-only. Returns how many were released.
   */
  async releaseDeferred(channel: Channel, now: Date, limit: number, publish: (released: ReleasedDelivery[]) => Promise<void>): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows: Array<AlertContentRow & { id: string; member_id: string }> = await tx.query(
        `SELECT d.id, d.member_id, ${ALERT_CONTENT_COLUMNS}
           FROM deliveries d JOIN alerts a ON a.id = d.alert_id JOIN categories c ON c.code = a.category_code
          WHERE d.channel = $1 AND d.due = 'release' AND d.status = $4::text AND d.deferred_until <= $2
          ORDER BY d.deferred_until LIMIT $3 FOR UPDATE OF d SKIP LOCKED`,
        [channel, now, limit, DISPATCH_MOVES.held.to],
      );
      if (rows.length === 0) return 0;
      await publish(rows.map((r) => ({ id: r.id, memberId: r.member_id, content: alertContentFrom(r) })));
      await tx.query(`UPDATE deliveries SET deferred_until = NULL, updated_at = now() WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  /** When the last lease another holder has on these deliveries runs out, or null if none. */
  async foreignLeaseEnd(ids: string[], holder: string): Promise<Date | null> {
    if (ids.length === 0) return null;
    const [row] = await this.db.query(
      `SELECT max(lease_until) AS until FROM deliveries
        WHERE id = ANY($1::uuid[]) AND status = $3::text AND claimed_by IS DISTINCT FROM $2`,
      [ids, holder, HELD_BY_SENDER],
    );
    return row?.until ? new Date(row.until) : null;
  }

  /**
   * What the database says about the calls Twilio placed to `to` (an in-doubt voice delivery's
   * lookup, ADR 0038 addendum): which of `sids` are recorded on a delivery (as its call, or an
   * earlier dial it redialed over, this delivery's included), and how many other voice deliveries
   * to that number were admitted to the provider without an outcome recorded (each may own one;
   * why this count is not narrowed by time: ADR 0038, addendum of 2026-12-07).
   * Deliveries are found by the number's contact points and the alerts' (alert, channel, member)
   * index: provider_id has no index (an acceptance write stays a HOT update, ADR 0046), and this
   * runs only for deliveries in doubt. The number is looked up per kind so that each kind's partial
   * index on `value` serves it (an `IN` list of kinds matches neither index's predicate).
   */
  async callsToNumber(deliveryId: string, to: string, sids: string[]): Promise<{ recorded: string[]; othersUnsettled: number }> {
    const [row] = await queryRows<{ recorded: string[] | null; others_unsettled: number }>(
      this.db,
      `WITH numbers AS (SELECT id, member_id FROM contact_points WHERE (kind = 'phone' AND value = $2) OR (kind = 'mobile' AND value = $2)),
            calls AS (
              SELECT d.id, d.provider_id, d.superseded_provider_ids, d.call_started_at
                FROM alerts a
                JOIN deliveries d ON d.alert_id = a.id AND d.channel = 'voice' AND d.member_id IN (SELECT member_id FROM numbers)
               WHERE d.contact_point_id IN (SELECT id FROM numbers))
       SELECT (SELECT array_agg(DISTINCT s) FROM calls c, unnest(array_append(c.superseded_provider_ids, c.provider_id)) s WHERE s = ANY($3::text[])) AS recorded,
              (SELECT count(*)::int FROM calls c WHERE c.id <> $1 AND c.provider_id IS NULL AND c.call_started_at IS NOT NULL) AS others_unsettled`,
      [deliveryId, to, sids],
    );
    return { recorded: row?.recorded ?? [], othersUnsettled: row?.others_unsettled ?? 0 };
  }

  /**
   * Records what became of each delivery; only the holder may, so a sender whose deliveries were
   * taken over writes nothing over the new holder's work. Returns the ids written: the others were
   * fenced off. Held deliveries become planned again until `retryAt` (the deferred-delivery
   * releaser emits them then); in-doubt ones stay `sending` with neither holder nor lease, so no
   * claim takes them and a provider event can still move them on. The provider's acceptance,
   * reported by the sender whose call it was, also settles such a parked delivery. An SMS or call
   * whose acceptance is recorded more than ACCEPTANCE_RECORDED_WITHIN_SECONDS after its
   * `accepted_at` (a slow chunk) opens its reconciliation here: the reconciler's walk in acceptance
   * order may have passed that time already (ADR 0062).
   */
  async recordOutcomes(outcomes: DeliveryOutcome[], holder: string): Promise<string[]> {
    if (outcomes.length === 0) return [];
    const rows = await preparedRows<{ id: string }>(
      this.db,
      'delivery-outcomes',
      `UPDATE deliveries d
          SET status = o.to_status,
              provider_id = o.provider_id, route = COALESCE(o.route, d.route), reason = o.reason, updated_at = now(),
              accepted_at = CASE WHEN o.status = 'accepted' THEN LEAST(now(), GREATEST(o.answered_at, d.claimed_at)) ELSE d.accepted_at END,
              reconcile_at = CASE WHEN o.status = 'accepted' AND d.channel IN ('sms', 'voice') AND GREATEST(o.answered_at, d.claimed_at) < o.recorded_late_before
                                  THEN now() ELSE d.reconcile_at END,
              deferred_until = CASE WHEN o.status = 'held' THEN o.retry_at ELSE d.deferred_until END,
              claimed_by = CASE WHEN o.status IN ('held', 'in_doubt') THEN NULL ELSE d.claimed_by END,
              call_started_at = CASE o.status WHEN 'held' THEN o.in_doubt_since WHEN 'in_doubt' THEN d.call_started_at END,
              lease_until = NULL
         FROM (SELECT t.*, COALESCE(t.accepted_at, now()) AS answered_at, now() - make_interval(secs => $12::double precision) AS recorded_late_before
                 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $8::text[], $9::text[], $10::text[], $11::timestamptz[])
                      AS t(id, status, provider_id, reason, retry_at, in_doubt_since, route, from_status, to_status, accepted_at)) o
        WHERE d.id = o.id AND d.status = o.from_status
          AND (d.claimed_by = $7 OR (d.claimed_by IS NULL AND o.status = 'accepted'))
       RETURNING d.id`,
      [
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.status),
        outcomes.map((o) => o.providerId ?? null),
        outcomes.map((o) => o.reason ?? null),
        outcomes.map((o) => o.retryAt ?? null),
        outcomes.map((o) => o.inDoubtSince ?? null),
        holder,
        outcomes.map((o) => o.route ?? null),
        outcomes.map((o) => SENDER_OUTCOME_MOVES[o.status].from[0]),
        outcomes.map((o) => SENDER_OUTCOME_MOVES[o.status].to),
        outcomes.map((o) => o.acceptedAt ?? null),
        ACCEPTANCE_RECORDED_WITHIN_SECONDS,
      ],
    );
    const written = rows.map((r) => r.id);
    // The provider's callback may have moved an accepted delivery on (sent, delivered) before
    // this write: it is this holder's send all the same, settled by its own callback.
    // Its route is still the sender's to record: the callback does not say which route it came by.
    const unwritten = outcomes.filter((o) => o.status === 'accepted' && !written.includes(o.id));
    if (unwritten.length === 0) return written;
    const settled = await preparedRows<{ id: string }>(
      this.db,
      'delivery-outcomes-settled',
      `UPDATE deliveries d SET route = COALESCE(o.route, d.route)
         FROM unnest($1::uuid[], $4::text[]) AS o(id, route)
        WHERE d.id = o.id AND d.claimed_by = $2 AND d.status = ANY($3::text[])
       RETURNING d.id`,
      [unwritten.map((o) => o.id), holder, TRACKED_DELIVERY_STATUSES.filter((s) => s !== 'accepted'), unwritten.map((o) => o.route ?? null)],
    );
    return [...written, ...settled.map((r) => r.id)];
  }

  /**
   * Ends the deliveries among `ids` that were planned and never sent: their alert expired, or was
   * cancelled before they went out ("person found": the original is no longer worth sending).
   * They become suppressed with the reason, so that "why did X not get it?" has an answer. One
   * being sent right now is left to its sender. Returns how many were ended.
   */
  async endUnsent(ids: string[], reason: 'expired' | 'cancelled'): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await queryRows<{ id: string }>(
      this.db,
      `UPDATE deliveries SET status = $3::text, reason = $2, updated_at = now()
        WHERE id = ANY($1::uuid[]) AND status = ANY($4::text[]) RETURNING id`,
      [ids, reason, DISPATCH_MOVES.endUnsent.to, DISPATCH_MOVES.endUnsent.from],
    );
    return rows.length;
  }

  /** A cancel of this alert, or of the alert it follows up, was issued. */
  async alertCancelled(alertId: string): Promise<boolean> {
    const [row] = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM alerts a JOIN alerts c ON c.audience_alert_id = COALESCE(a.audience_alert_id, a.id)
                       WHERE a.id = $1 AND c.message_type = 'cancel' AND c.status = 'issued' AND c.id <> a.id) AS cancelled`,
      [alertId],
    );
    return row.cancelled;
  }
}
