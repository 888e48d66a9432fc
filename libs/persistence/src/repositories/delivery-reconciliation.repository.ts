import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ACCEPTANCE_RECORDED_WITHIN_SECONDS,
  DeliveryStatus,
  RECONCILABLE_STATUSES,
  RECONCILED_CHANNELS,
  RECONCILIATION_CLOSING_STATUSES,
  ReconciliationEnd,
} from '@bin-alert/domain';
import { queryRows } from './query-rows';

/** A delivery claimed for one lookup at its provider (ADR 0039). */
export interface ReconcilableDelivery {
  id: string;
  channel: (typeof RECONCILED_CHANNELS)[number];
  status: DeliveryStatus;
  providerId: string;
  /** The SMS route (account) that took it; null: the primary, or a call. */
  route: string | null;
  /** This lookup's number, from 1. */
  check: number;
}

/** What a lookup came to: when to ask again, or how it ended. */
export interface ReconciliationRecord {
  id: string;
  askAgainAt: Date | null;
  ended: ReconciliationEnd | null;
}

/**
 * Opens the reconciliation of the SMS and calls accepted since the cursor (ADR 0062): one page of
 * `deliveries_reconcile_accepted` in acceptance order, from where the last walk stopped. A
 * delivery the page finds in a status a callback can still end gets `reconcile_at` (it enters
 * `deliveries_reconcile_due`; the claim then waits until it is unchanged for $2 seconds); a final
 * one is passed by, and it cost its callbacks nothing. The cursor moves over the deliveries
 * accepted at least $3 seconds ago only: an acceptance is recorded within
 * ACCEPTANCE_RECORDED_WITHIN_SECONDS of its `accepted_at` (or opened by its own write), so the
 * cursor never passes one still to be committed. Beyond that point the page opens only what is
 * already unchanged for $2 seconds (a delivery whose last change is older than its acceptance
 * record says; the walk comes back to the rest). The cursor's row is locked SKIP LOCKED: one
 * tracker walks at a time, the others go straight to their claims (no cursor: a null bound, no
 * row). The bound is two scalar subqueries so that it is the index scan's condition.
 */
const OPEN_ACCEPTED = `
  WITH cursor AS (
    SELECT accepted_through, after_id FROM reconciliation_cursor FOR UPDATE SKIP LOCKED
  ), page AS (
    SELECT d.id, d.accepted_at, d.accepted_at <= now() - make_interval(secs => $3::double precision) AS passed,
           d.status = ANY($1::text[]) AND d.reconcile_outcome IS NULL AND d.reconcile_at IS NULL AND d.provider_id IS NOT NULL
             AND (d.accepted_at <= now() - make_interval(secs => $3::double precision) OR d.updated_at <= now() - make_interval(secs => $2::double precision)) AS opens
      FROM deliveries d
     WHERE d.channel IN ('sms', 'voice') AND d.accepted_at IS NOT NULL
       AND (d.accepted_at, d.id) > ((SELECT accepted_through FROM cursor), (SELECT after_id FROM cursor))
     ORDER BY d.accepted_at, d.id LIMIT $4
  ), opened AS (
    UPDATE deliveries d SET reconcile_at = now()
      FROM page p WHERE d.id = p.id AND p.opens AND d.reconcile_at IS NULL AND d.reconcile_outcome IS NULL
    RETURNING d.id
  ), last AS (
    SELECT accepted_at, id FROM page WHERE passed ORDER BY accepted_at DESC, id DESC LIMIT 1
  ), moved AS (
    UPDATE reconciliation_cursor SET accepted_through = last.accepted_at, after_id = last.id FROM last RETURNING 1
  )
  SELECT (SELECT count(*) FROM page)::int AS read, (SELECT count(*) FROM page WHERE passed)::int AS passed, (SELECT count(*) FROM opened)::int AS opened`;

/**
 * Closes the open reconciliations whose delivery reached a final status meanwhile (a late callback,
 * a callback the walk's page raced): `reconcile_at` cleared, the delivery leaves
 * `deliveries_reconcile_due`, the claim no longer reads it. No outcome is recorded: nothing was
 * reconciled. Claimed ones (`reconcile_at` ahead) wait for their record.
 */
const CLOSE_ENDED = `
  UPDATE deliveries SET reconcile_at = NULL
   WHERE reconcile_at IS NOT NULL AND reconcile_outcome IS NULL AND reconcile_at <= now() AND status = ANY($1::text[])`;

/**
 * Claims up to $3 deliveries due for a lookup among the open reconciliations: SMS and calls the
 * provider took, in a status a callback can still end, unchanged for $4 seconds, whose next lookup
 * is due. The claim counts the lookup and pushes its next one $5 seconds away: a second tracker
 * skips the rows being claimed (SKIP LOCKED) and finds the claimed ones not due, so each is asked
 * once; a tracker that dies after claiming leaves its rows to be asked again once that lapses.
 */
const CLAIM_DUE = `
  WITH due AS (
    SELECT id FROM deliveries
     WHERE reconcile_at IS NOT NULL AND reconcile_outcome IS NULL AND reconcile_at <= now()
       AND channel = ANY($1::text[]) AND status = ANY($2::text[]) AND provider_id IS NOT NULL
       AND updated_at <= now() - make_interval(secs => $4::double precision)
     ORDER BY reconcile_at LIMIT $3
       FOR UPDATE SKIP LOCKED)
  UPDATE deliveries d
     SET reconcile_checks = d.reconcile_checks + 1, reconcile_at = now() + make_interval(secs => $5::double precision)
    FROM due WHERE d.id = due.id
  RETURNING d.id, d.channel, d.status, d.provider_id, d.route, d.reconcile_checks`;

/** What one walk of the accepted deliveries did (OPEN_ACCEPTED). */
export interface AcceptedWalk {
  /** Deliveries the page read; 0 as well when another tracker held the cursor. */
  read: number;
  /** Of those, the ones the cursor moved over. */
  passed: number;
  /** Reconciliations opened. */
  opened: number;
}

@Injectable()
export class DeliveryReconciliationRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * One page of the walk over the deliveries accepted since the cursor (OPEN_ACCEPTED): opens the
   * reconciliation of those not final, and closes the open ones that ended by a callback meanwhile.
   * The cursor stays `max(afterSeconds, ACCEPTANCE_RECORDED_WITHIN_SECONDS + 20)` behind now.
   */
  async openAccepted(afterSeconds: number, pageSize: number): Promise<AcceptedWalk> {
    const lagSeconds = Math.max(afterSeconds, ACCEPTANCE_RECORDED_WITHIN_SECONDS + 20);
    const [walk] = await queryRows<AcceptedWalk>(this.db, OPEN_ACCEPTED, [RECONCILABLE_STATUSES, afterSeconds, lagSeconds, pageSize]);
    await this.db.query(CLOSE_ENDED, [RECONCILIATION_CLOSING_STATUSES]);
    return walk;
  }

  async claimDue(limit: number, afterSeconds: number, claimSeconds: number): Promise<ReconcilableDelivery[]> {
    const rows = await queryRows<{
      id: string;
      channel: ReconcilableDelivery['channel'];
      status: DeliveryStatus;
      provider_id: string;
      route: string | null;
      reconcile_checks: number;
    }>(this.db, CLAIM_DUE, [RECONCILED_CHANNELS, RECONCILABLE_STATUSES, limit, afterSeconds, claimSeconds]);
    return rows.map((r) => ({ id: r.id, channel: r.channel, status: r.status, providerId: r.provider_id, route: r.route, check: r.reconcile_checks }));
  }

  /** Writes what each lookup came to, in one statement. */
  async record(records: ReconciliationRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.db.query(
      `UPDATE deliveries d SET reconcile_at = r.ask_again_at, reconcile_outcome = COALESCE(r.ended, d.reconcile_outcome)
         FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS r(id, ask_again_at, ended)
        WHERE d.id = r.id`,
      [records.map((r) => r.id), records.map((r) => r.askAgainAt), records.map((r) => r.ended)],
    );
  }
}
