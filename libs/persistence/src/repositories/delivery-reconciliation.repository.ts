import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryStatus, RECONCILABLE_STATUSES, RECONCILED_CHANNELS, ReconciliationEnd } from '@bin-alert/domain';
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
 * Claims up to $3 deliveries due for a lookup: SMS and calls the provider took, in a status a
 * callback can still end, unchanged for $4 seconds, whose next lookup (if one was set) is due.
 * The claim counts the lookup and pushes its next one $5 seconds away: a second tracker skips the
 * rows being claimed (SKIP LOCKED) and finds the claimed ones not due, so each is asked once; a
 * tracker that dies after claiming leaves its rows to be asked again once that lapses.
 * `due_since` (acceptance, in practice) is never later than `updated_at`: the index's range holds
 * every row unchanged that long, and the callbacks that move a row on within the set, which set
 * `updated_at`, leave that index alone (ADR 0046).
 */
const CLAIM_DUE = `
  WITH due AS (
    SELECT id FROM deliveries
     WHERE due = 'reconcile' AND due_since <= now() - make_interval(secs => $4::double precision)
       AND channel = ANY($1::text[]) AND status = ANY($2::text[]) AND reconcile_outcome IS NULL AND provider_id IS NOT NULL
       AND updated_at <= now() - make_interval(secs => $4::double precision)
       AND (reconcile_at IS NULL OR reconcile_at <= now())
     ORDER BY due_since LIMIT $3
       FOR UPDATE SKIP LOCKED)
  UPDATE deliveries d
     SET reconcile_checks = d.reconcile_checks + 1, reconcile_at = now() + make_interval(secs => $5::double precision)
    FROM due WHERE d.id = due.id
  RETURNING d.id, d.channel, d.status, d.provider_id, d.route, d.reconcile_checks`;

@Injectable()
export class DeliveryReconciliationRepository {
  constructor(private readonly db: DataSource) {}

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
