import { Pool } from 'pg';
import { CHANNELS, Channel, RECONCILABLE_STATUSES, RECONCILED_CHANNELS } from '@bin-alert/domain';
import { sleep } from '../processes';

/**
 * What a scenario ended with, counted as the benchmark counts (bench/src/run-bench.ts): at the
 * simulator (what the phones and mailboxes got) against PostgreSQL (what the system recorded).
 */
export interface ScenarioOutcome {
  duplicates: number;
  missing: number;
  recovery_ms: number | null;
  /** Every delivery of the alert at the end, per channel: status (reason) → count. */
  final_states: Record<Channel, Record<string, number>>;
  detail: {
    duplicates: { at_simulator: number; in_postgresql: number };
    missing: { at_simulator: number; in_postgresql: number };
    /** Sent (the simulator has them once) but never recorded as accepted in PostgreSQL. */
    unrecorded: number;
    /** Deliveries still in a progress status (sending, accepted, sent, deferred, answered) or planned without a reason. */
    not_final: number;
    /**
     * SMS and calls the tracker's reconciliation looked up (ADR 0039), by how it ended
     * (reported_final, or why it gave up; `final_by_a_later_callback` when Twilio still had it on
     * its way at a lookup and a callback ended it after; `open` while it still asks).
     */
    reconciliation: Record<string, number>;
    /** Deliveries that ended failed: the seeded members have no number a provider refuses, so each is the fault's doing. */
    failed: number;
    audience: number;
    simulator: Record<Channel, { accepted: number; duplicates: number; rejected: Record<string, number>; rateLimited: number }>;
    postgresql_accepted: Record<Channel, number>;
  };
}

/** Statuses a delivery may still leave: not an end state. */
const IN_PROGRESS = ['sending', 'accepted', 'sent', 'deferred', 'answered'];

export interface Progress {
  rows: number;
  waiting: number;
  accepted: number;
  failed: number;
  sendable: number;
}

export async function progress(pool: Pool, alertId: string): Promise<Record<Channel, Progress>> {
  const { rows } = await pool.query(
    `SELECT channel, count(*)::int AS rows,
            count(*) FILTER (WHERE (status IN ('planned', 'sending') AND reason IS NULL) OR (status = 'planned' AND deferred_until IS NOT NULL))::int AS waiting,
            count(accepted_at)::int AS accepted,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            count(*) FILTER (WHERE status <> 'suppressed')::int AS sendable
       FROM deliveries WHERE alert_id = $1 GROUP BY channel`,
    [alertId],
  );
  const out = Object.fromEntries(CHANNELS.map((c) => [c, { rows: 0, waiting: 0, accepted: 0, failed: 0, sendable: 0 }])) as Record<Channel, Progress>;
  for (const r of rows) out[r.channel as Channel] = { rows: r.rows, waiting: r.waiting, accepted: r.accepted, failed: r.failed, sendable: r.sendable };
  return out;
}

export function progressLine(p: Record<Channel, Progress>, audience: number): string {
  return CHANNELS.map(
    (c) => `${c} ${p[c].accepted}/${p[c].sendable} accepted${p[c].failed ? `, ${p[c].failed} failed` : ''}${p[c].rows < audience ? ` (planning ${p[c].rows}/${audience})` : ''}`,
  ).join(', ');
}

/**
 * Polls until every delivery of the alert is planned and none waits to be sent, printing
 * progress; PostgreSQL itself may be away meanwhile (a scenario restarts it): a failed poll is
 * reported and tried again. Gives up (returns stalled) when nothing moves for `stallMs`.
 */
export async function waitUntilFinal(
  pool: Pool,
  alertId: string,
  audience: number,
  label: string,
  stallMs: number,
  startedAt: number,
): Promise<{ doneAt: number; stalled: boolean }> {
  let lastKey = '';
  let lastMove = Date.now();
  let lastPrint = 0;
  for (;;) {
    let p: Record<Channel, Progress>;
    try {
      p = await progress(pool, alertId);
    } catch (error) {
      if (Date.now() - lastPrint > 2000) {
        console.log(`[chaos] ${label} ${secondsSince(startedAt)} s  PostgreSQL does not answer (${(error as Error).message.split('\n')[0]})`);
        lastPrint = Date.now();
      }
      await sleep(500);
      continue;
    }
    const complete = CHANNELS.every((c) => p[c].rows >= audience && p[c].waiting === 0);
    const now = Date.now();
    if (complete || now - lastPrint >= 5000) {
      console.log(`[chaos] ${label} ${secondsSince(startedAt)} s  ${progressLine(p, audience)}`);
      lastPrint = now;
    }
    if (complete) return { doneAt: now, stalled: false };
    const key = JSON.stringify(p);
    if (key !== lastKey) {
      lastKey = key;
      lastMove = now;
    } else if (now - lastMove > stallMs) {
      console.log(`[chaos] ${label} nothing moved for ${stallMs / 1000} s: measuring what there is`);
      return { doneAt: now, stalled: true };
    }
    await sleep(1000);
  }
}

export function secondsSince(t: number): string {
  return ((Date.now() - t) / 1000).toFixed(0).padStart(4);
}

/** Waits until `probe` returns true (errors count as false), at most `timeoutMs`; returns whether it did. */
export async function until(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 500): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await sleep(everyMs);
  }
  return false;
}

/**
 * Time from the end of a fault until the SMS fan-out is back to half the rate it had in the ten
 * seconds before the fault: the first such second after the fault's end. 0 when the fan-out was
 * over by then, null when the rate never came back.
 */
export async function acceptRateRecoveryMs(pool: Pool, alertId: string, faultStart: number, faultEnd: number): Promise<number | null> {
  const { rows } = await pool.query(
    `SELECT floor(extract(epoch FROM accepted_at))::bigint AS s, count(*)::int AS n
       FROM deliveries WHERE alert_id = $1 AND channel = 'sms' AND accepted_at IS NOT NULL GROUP BY 1 ORDER BY 1`,
    [alertId],
  );
  if (!rows.length) return null;
  const perSecond = new Map<number, number>(rows.map((r: { s: string; n: number }): [number, number] => [Number(r.s), r.n]));
  const lastSecond = Number(rows[rows.length - 1].s);
  const startS = Math.floor(faultStart / 1000);
  const before: number[] = [];
  for (let s = startS - 10; s < startS; s++) before.push(perSecond.get(s) ?? 0);
  before.sort((a, b) => a - b);
  let reference = before[Math.floor(before.length / 2)];
  if (reference === 0) {
    const all = [...perSecond.values()].sort((a, b) => a - b);
    reference = all[Math.floor(all.length / 2)];
  }
  const endS = Math.floor(faultEnd / 1000);
  if (lastSecond < endS) return 0;
  for (let s = endS; s <= lastSecond; s++) {
    if ((perSecond.get(s) ?? 0) >= reference / 2) return Math.max(0, s * 1000 - faultEnd);
  }
  return null;
}

/** SMS and calls the reconciliation still has to look up or report (ADR 0039): not final, and not given up on. */
export async function reconciliationsOpen(pool: Pool, alertId: string): Promise<number> {
  const { rows } = await pool.query(
    `SELECT count(*)::int AS n FROM deliveries
      WHERE alert_id = $1 AND channel = ANY($2::text[]) AND status = ANY($3::text[]) AND provider_id IS NOT NULL
        AND (reconcile_outcome IS NULL OR reconcile_outcome = 'reported_final')`,
    [alertId, RECONCILED_CHANNELS, RECONCILABLE_STATUSES],
  );
  return rows[0].n;
}

/** Milliseconds from `from` to the alert's first delivery row (the outbox published and the alert was planned). */
export async function firstRowMs(pool: Pool, alertId: string, from: number): Promise<number | null> {
  const { rows } = await pool.query(`SELECT extract(epoch FROM min(created_at)) * 1000 AS first FROM deliveries WHERE alert_id = $1`, [alertId]);
  return rows[0].first === null ? null : Math.round(Number(rows[0].first) - from);
}

type SimChannelStats = { accepted: number; duplicates: number; rejected: Record<string, number>; rateLimited: number };

export async function measureOutcome(pool: Pool, alertId: string, audience: number, simStats: Record<string, unknown>, recoveryMs: number | null): Promise<ScenarioOutcome> {
  const { rows: states } = await pool.query(`SELECT channel, status, reason, count(*)::int AS n FROM deliveries WHERE alert_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 4 DESC`, [
    alertId,
  ]);
  const finalStates = Object.fromEntries(CHANNELS.map((c) => [c, {}])) as Record<Channel, Record<string, number>>;
  let notFinal = 0;
  let failed = 0;
  for (const r of states) {
    if (r.status === 'failed') failed += r.n;
    finalStates[r.channel as Channel][r.reason ? `${r.status} (${r.reason})` : r.status] = r.n;
    // `sending` with a reason is an e-mail parked in doubt (ADR 0025): settled, counted under missing below.
    if ((IN_PROGRESS.includes(r.status) && !(r.status === 'sending' && r.reason)) || (r.status === 'planned' && !r.reason)) notFinal += r.n;
  }
  const {
    rows: [pg],
  } = await pool.query(
    `SELECT (count(*) - count(DISTINCT (member_id, channel)))::int AS duplicates,
            count(*) FILTER (WHERE status IN ('planned', 'sending') AND reason IS NULL)::int AS never_sent,
            count(DISTINCT member_id) FILTER (WHERE channel = 'sms')::int AS sms_members,
            count(DISTINCT member_id) FILTER (WHERE channel = 'email')::int AS email_members,
            count(DISTINCT member_id) FILTER (WHERE channel = 'voice')::int AS voice_members
       FROM deliveries WHERE alert_id = $1`,
    [alertId],
  );
  const unplanned = CHANNELS.reduce((sum, c) => sum + Math.max(0, audience - pg[`${c}_members`]), 0);
  const { rows: acceptedRows } = await pool.query(
    `SELECT channel, count(accepted_at)::int AS n, count(*) FILTER (WHERE status = 'sending' AND reason IS NOT NULL)::int AS parked
       FROM deliveries WHERE alert_id = $1 GROUP BY 1`,
    [alertId],
  );
  const pgAccepted = Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>;
  const parkedInDoubt = Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>;
  for (const r of acceptedRows) {
    pgAccepted[r.channel as Channel] = r.n;
    parkedInDoubt[r.channel as Channel] = r.parked;
  }

  const { rows: reconciledRows } = await pool.query(
    `SELECT COALESCE(reconcile_outcome, CASE WHEN status = ANY($2::text[]) THEN 'open' ELSE 'final_by_a_later_callback' END) AS outcome, count(*)::int AS n
       FROM deliveries WHERE alert_id = $1 AND reconcile_checks > 0 GROUP BY 1`,
    [alertId, RECONCILABLE_STATUSES],
  );
  const reconciliation = Object.fromEntries(reconciledRows.map((r) => [r.outcome as string, r.n as number]));

  const simulator = {} as Record<Channel, SimChannelStats>;
  let simMissing = 0;
  let unrecorded = 0;
  let simDuplicates = 0;
  for (const c of CHANNELS) {
    const s = simStats[c] as SimChannelStats;
    simulator[c] = { accepted: s.accepted, duplicates: s.duplicates, rejected: s.rejected, rateLimited: s.rateLimited };
    const distinct = s.accepted - s.duplicates;
    simMissing += Math.max(0, pgAccepted[c] - distinct);
    // A delivery parked in doubt reached its member if the simulator has one message more for it.
    const sentUnrecorded = Math.max(0, distinct - pgAccepted[c]);
    simMissing += Math.max(0, parkedInDoubt[c] - sentUnrecorded);
    unrecorded += Math.max(0, sentUnrecorded - parkedInDoubt[c]);
    simDuplicates += s.duplicates;
  }
  const pgMissing = unplanned + pg.never_sent;
  return {
    duplicates: simDuplicates + pg.duplicates,
    missing: simMissing + pgMissing,
    recovery_ms: recoveryMs,
    final_states: finalStates,
    detail: {
      duplicates: { at_simulator: simDuplicates, in_postgresql: pg.duplicates },
      missing: { at_simulator: simMissing, in_postgresql: pgMissing },
      unrecorded,
      not_final: notFinal,
      reconciliation,
      failed,
      audience,
      simulator,
      postgresql_accepted: pgAccepted,
    },
  };
}
