import { Pool } from 'pg';
import { CHANNELS, Channel } from '@bin-alert/domain';
import { BenchAbort, sleep } from './processes';

export interface IssuedAlert {
  id: string;
  label: 'normal' | 'urgent';
  bins: string[];
  /** Members of its BINs: every one gets a delivery row per channel (planned or suppressed). */
  audience: number;
  /** alerts.issued_at, as intake stored it. */
  issuedAt: Date;
  /** When the benchmark got intake's 201 (client clock, same machine). */
  answeredAt: Date;
}

interface ChannelProgress {
  rows: number;
  pending: number;
  accepted: number;
  failed: number;
  sendable: number;
}

type Progress = Record<string, Record<Channel, ChannelProgress>>;

export async function audienceSize(pool: Pool, bins: string[]): Promise<number> {
  const { rows } = await pool.query(`SELECT count(DISTINCT member_id)::int AS n FROM memberships WHERE bin_id = ANY($1) AND status = 'active'`, [bins]);
  return rows[0].n;
}

export async function deliveryColumns(pool: Pool): Promise<Set<string>> {
  const { rows } = await pool.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'deliveries'`);
  return new Set(rows.map((r: { column_name: string }) => r.column_name));
}

async function progress(pool: Pool, alerts: IssuedAlert[]): Promise<Progress> {
  const { rows } = await pool.query(
    `SELECT alert_id, channel, count(*)::int AS rows,
            count(*) FILTER (WHERE status IN ('planned', 'sending'))::int AS pending,
            count(accepted_at)::int AS accepted,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            count(*) FILTER (WHERE status <> 'suppressed')::int AS sendable
       FROM deliveries WHERE alert_id = ANY($1::uuid[]) GROUP BY alert_id, channel`,
    [alerts.map((a) => a.id)],
  );
  const out: Progress = {};
  for (const a of alerts)
    out[a.id] = Object.fromEntries(CHANNELS.map((c) => [c, { rows: 0, pending: 0, accepted: 0, failed: 0, sendable: 0 }])) as Record<Channel, ChannelProgress>;
  for (const r of rows) out[r.alert_id][r.channel as Channel] = { rows: r.rows, pending: r.pending, accepted: r.accepted, failed: r.failed, sendable: r.sendable };
  return out;
}

/**
 * How long to wait before the next look at the deliveries, given how long the last one took.
 * Each look counts the alerts' rows: at 1,000,000 members one took ~2 s of a PostgreSQL backend,
 * and looking back to back (every 50 ms for the urgent trigger, every 2 s for progress) took half a
 * core or more from the system under measurement. A pause of ten looks keeps the looks to a
 * tenth of a core at any size, and changes nothing at 100,000 members and below.
 */
export function pauseAfterLook(lookMs: number, floorMs: number): number {
  return Math.max(floorMs, Math.round(10 * lookMs));
}

/** Polls until `alert` has `count` accepted SMS (or its SMS are all done, for small runs). */
export async function waitForAcceptedSms(pool: Pool, alert: IssuedAlert, count: number, alive: () => void, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    alive();
    const lookStarted = performance.now();
    const { rows } = await pool.query(
      `SELECT count(accepted_at)::int AS accepted, count(*) FILTER (WHERE status IN ('planned', 'sending'))::int AS pending
         FROM deliveries WHERE alert_id = $1 AND channel = 'sms'`,
      [alert.id],
    );
    if (rows[0].accepted >= count) return rows[0].accepted;
    if (Date.now() - started > timeoutMs) {
      throw new BenchAbort(`only ${rows[0].accepted} SMS of the normal alert accepted after ${timeoutMs / 1000} s (waiting for ${count}); see the logs in bench/results/logs`);
    }
    await sleep(pauseAfterLook(performance.now() - lookStarted, 50));
  }
}

function line(p: Progress, alerts: IssuedAlert[]): string {
  return CHANNELS.map((c) => {
    const sum = (f: keyof ChannelProgress) => alerts.reduce((s, a) => s + p[a.id][c][f], 0);
    const rows = sum('rows');
    const expected = alerts.reduce((s, a) => s + a.audience, 0);
    const planning = rows < expected ? ` (planning ${rows}/${expected})` : '';
    return `${c} ${sum('accepted')}/${sum('sendable')} accepted${sum('failed') ? `, ${sum('failed')} failed` : ''}${planning}`;
  }).join(', ');
}

/**
 * Waits until every delivery of the alerts is planned (a row per member and channel) and final
 * (none planned or sending), printing progress every few seconds; gives up when nothing moves
 * for `stallMs` or an app dies (`alive` throws).
 */
export async function waitUntilDone(pool: Pool, alerts: IssuedAlert[], alive: () => void, stallMs: number, everyMs = 3000): Promise<void> {
  let lastKey = '';
  let lastMove = Date.now();
  let lastPrint = 0;
  const started = Date.now();
  for (;;) {
    alive();
    const lookStarted = performance.now();
    const p = await progress(pool, alerts);
    const lookMs = performance.now() - lookStarted;
    const complete = alerts.every((a) => CHANNELS.every((c) => p[a.id][c].rows >= a.audience && p[a.id][c].pending === 0));
    const now = Date.now();
    if (complete || now - lastPrint >= everyMs) {
      console.log(`[bench] ${((now - started) / 1000).toFixed(0).padStart(4)} s  ${line(p, alerts)}`);
      lastPrint = now;
    }
    if (complete) return;
    const key = JSON.stringify(p);
    if (key !== lastKey) {
      lastKey = key;
      lastMove = now;
    } else if (now - lastMove > stallMs) {
      throw new BenchAbort(
        `nothing moved for ${stallMs / 1000} s: ${line(p, alerts)}. A dispatcher may be stuck, or another consumer in the same ` +
          'consumer groups takes the jobs (see bench/results/logs and `kafka.sh run-class org.apache.kafka.tools.consumer.group.ConsumerGroupCommand`).',
      );
    }
    // Each look counts every delivery row of the alerts: at 100,000 members, a look every 500 ms
    // cost PostgreSQL a quarter of a core, taken from the system under measurement. The results
    // come from the rows' own timestamps, so a slower look changes no figure but total_s, by at
    // most one pause (2 s up to 100,000 members, ~20 s at 1,000,000).
    await sleep(pauseAfterLook(lookMs, Math.min(everyMs, 2000)));
  }
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v)));

export interface LatencyStats {
  count: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
}

async function latencies(pool: Pool, column: 'accepted_at' | 'delivered_at', alertIds: string[], channel: Channel): Promise<LatencyStats> {
  const { rows } = await pool.query(
    `SELECT count(*)::int AS n,
            percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM d.${column} - a.issued_at) * 1000) AS p,
            max(extract(epoch FROM d.${column} - a.issued_at) * 1000) AS max
       FROM deliveries d JOIN alerts a ON a.id = d.alert_id
      WHERE d.alert_id = ANY($1::uuid[]) AND d.channel = $2 AND d.${column} IS NOT NULL`,
    [alertIds, channel],
  );
  const p = (rows[0].p as number[] | null) ?? [null, null, null];
  return { count: rows[0].n, p50_ms: num(p[0]), p95_ms: num(p[1]), p99_ms: num(p[2]), max_ms: num(rows[0].max) };
}

export interface ChannelResult {
  deliveries: number;
  suppressed: Record<string, number>;
  accepted: number;
  failed: Record<string, number>;
  throughput_per_s: number | null;
  /** Seconds in which the channel was sending: union of each alert's first-to-last provider accept. */
  send_window_s: number | null;
  p50_accept_ms: number | null;
  p95_accept_ms: number | null;
  p99_accept_ms: number | null;
  accept_latency_by_alert: Record<'normal' | 'urgent', LatencyStats>;
  /** From the tracker's delivered_at (null when the schema or the tracker does not provide it). */
  delivered: number | null;
  /** Resolution of the provider's delivered time (Twilio's RawDlrDoneDate is YYMMDDhhmm: minutes). */
  delivered_precision: 'minute' | 'second' | 'millisecond' | null;
  p50_delivered_ms: number | null;
  p95_delivered_ms: number | null;
  p99_delivered_ms: number | null;
  vs_ceiling?: number | null;
}

export async function channelResult(pool: Pool, alerts: IssuedAlert[], channel: Channel, hasDeliveredAt: boolean): Promise<ChannelResult> {
  const ids = alerts.map((a) => a.id);
  const { rows: statusRows } = await pool.query(
    `SELECT status, coalesce(reason, '') AS reason, count(*)::int AS n FROM deliveries
      WHERE alert_id = ANY($1::uuid[]) AND channel = $2 AND status IN ('suppressed', 'failed') GROUP BY 1, 2`,
    [ids, channel],
  );
  const suppressed: Record<string, number> = {};
  const failed: Record<string, number> = {};
  for (const r of statusRows) (r.status === 'suppressed' ? suppressed : failed)[r.reason || 'unknown'] = r.n;
  // Busy time: the union of each alert's first-to-last accept (a gap between the alerts is not
  // counted against the channel: e-mail may finish the normal alert before the urgent one exists).
  const { rows: windows } = await pool.query(
    `SELECT alert_id, count(*)::int AS deliveries, count(accepted_at)::int AS accepted,
            extract(epoch FROM min(accepted_at)) AS first_s, extract(epoch FROM max(accepted_at)) AS last_s
       FROM deliveries WHERE alert_id = ANY($1::uuid[]) AND channel = $2 GROUP BY alert_id`,
    [ids, channel],
  );
  const spans = windows
    .filter((r) => r.first_s !== null)
    .map((r) => [Number(r.first_s), Number(r.last_s)] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  let windowS: number | null = spans.length ? 0 : null;
  let cursor = -Infinity;
  for (const [from, to] of spans) {
    const start = Math.max(from, cursor);
    if (to > start) windowS = (windowS ?? 0) + (to - start);
    cursor = Math.max(cursor, to);
  }
  const w = { deliveries: windows.reduce((s, r) => s + r.deliveries, 0), accepted: windows.reduce((s, r) => s + r.accepted, 0) };
  const all = await latencies(pool, 'accepted_at', ids, channel);
  const byAlert = {} as Record<'normal' | 'urgent', LatencyStats>;
  for (const a of alerts) byAlert[a.label] = await latencies(pool, 'accepted_at', [a.id], channel);
  const delivered = hasDeliveredAt ? await latencies(pool, 'delivered_at', ids, channel) : null;
  let deliveredPrecision: 'minute' | 'second' | 'millisecond' | null = null;
  if (delivered && delivered.count > 0) {
    const {
      rows: [p],
    } = await pool.query(
      `SELECT count(*) FILTER (WHERE delivered_at <> date_trunc('minute', delivered_at))::int AS sub_minute,
              count(*) FILTER (WHERE delivered_at <> date_trunc('second', delivered_at))::int AS sub_second
         FROM deliveries WHERE alert_id = ANY($1::uuid[]) AND channel = $2 AND delivered_at IS NOT NULL`,
      [ids, channel],
    );
    deliveredPrecision = p.sub_second > 0 ? 'millisecond' : p.sub_minute > 0 ? 'second' : 'minute';
  }
  // Minute-precision times (Twilio's RawDlrDoneDate) give latencies off by up to a minute, even
  // negative ones: they are not reported as latencies.
  const useDelivered = delivered && delivered.count > 0 && deliveredPrecision !== 'minute' ? delivered : null;
  return {
    deliveries: w.deliveries,
    suppressed,
    accepted: w.accepted,
    failed,
    throughput_per_s: windowS && windowS > 0 ? Math.round(w.accepted / windowS) : null,
    send_window_s: windowS === null ? null : Math.round(windowS * 10) / 10,
    p50_accept_ms: all.p50_ms,
    p95_accept_ms: all.p95_ms,
    p99_accept_ms: all.p99_ms,
    accept_latency_by_alert: byAlert,
    delivered: delivered ? delivered.count : null,
    delivered_precision: deliveredPrecision,
    p50_delivered_ms: useDelivered?.p50_ms ?? null,
    p95_delivered_ms: useDelivered?.p95_ms ?? null,
    p99_delivered_ms: useDelivered?.p99_ms ?? null,
  };
}

/** Time from the alert's issue to its first and last delivery row, per channel. */
export async function planningTimes(pool: Pool, alert: IssuedAlert): Promise<Record<Channel, { first_row_ms: number | null; last_row_ms: number | null; rows: number }>> {
  const { rows } = await pool.query(
    `SELECT channel, count(*)::int AS rows,
            extract(epoch FROM min(created_at) - $2::timestamptz) * 1000 AS first_ms,
            extract(epoch FROM max(created_at) - $2::timestamptz) * 1000 AS last_ms
       FROM deliveries WHERE alert_id = $1 GROUP BY channel`,
    [alert.id, alert.issuedAt],
  );
  const out = Object.fromEntries(CHANNELS.map((c) => [c, { first_row_ms: null, last_row_ms: null, rows: 0 }])) as Record<
    Channel,
    { first_row_ms: number | null; last_row_ms: number | null; rows: number }
  >;
  for (const r of rows) out[r.channel as Channel] = { first_row_ms: num(r.first_ms), last_row_ms: num(r.last_ms), rows: r.rows };
  return out;
}

export interface UrgentResult {
  /** First provider accept of the urgent alert (any channel) after its issue. */
  first_accept_ms: number | null;
  first_accept_ms_by_channel: Record<Channel, number | null>;
  /** Normal deliveries planned and not yet handed to the provider at that moment. */
  normal_queued: number | null;
  normal_queued_by_channel: Record<Channel, number>;
  /** Normal deliveries still to send at that moment, including those not planned yet. */
  normal_unsent: number | null;
  /** Milliseconds from the urgent alert's issue to its first delivery row per channel (its expansion queues behind the normal one's on the alerts consumer). */
  first_row_ms_by_channel: Record<Channel, number | null>;
}

export async function urgentUnderBacklog(pool: Pool, normal: IssuedAlert, urgent: IssuedAlert): Promise<UrgentResult> {
  const { rows: firsts } = await pool.query(
    `SELECT channel, extract(epoch FROM min(accepted_at) - $2::timestamptz) * 1000 AS first_ms, min(accepted_at) AS first_at,
            extract(epoch FROM min(created_at) - $2::timestamptz) * 1000 AS first_row_ms
       FROM deliveries WHERE alert_id = $1 GROUP BY channel`,
    [urgent.id, urgent.issuedAt],
  );
  const byChannel = Object.fromEntries(CHANNELS.map((c) => [c, null])) as Record<Channel, number | null>;
  const rowByChannel = Object.fromEntries(CHANNELS.map((c) => [c, null])) as Record<Channel, number | null>;
  let firstAt: Date | null = null;
  for (const r of firsts) {
    byChannel[r.channel as Channel] = num(r.first_ms);
    rowByChannel[r.channel as Channel] = num(r.first_row_ms);
    if (r.first_at && (!firstAt || r.first_at < firstAt)) firstAt = r.first_at;
  }
  const queuedByChannel = Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>;
  let queued: number | null = null;
  let unsent: number | null = null;
  if (firstAt) {
    const { rows } = await pool.query(
      `SELECT channel,
              count(*) FILTER (WHERE created_at <= $2 AND (accepted_at IS NULL OR accepted_at > $2)
                                 AND NOT (status = 'failed' AND updated_at <= $2))::int AS queued,
              count(*) FILTER (WHERE (accepted_at IS NULL OR accepted_at > $2)
                                 AND NOT (status = 'failed' AND updated_at <= $2))::int AS unsent
         FROM deliveries WHERE alert_id = $1 AND status <> 'suppressed' GROUP BY channel`,
      [normal.id, firstAt],
    );
    queued = 0;
    unsent = 0;
    for (const r of rows) {
      queuedByChannel[r.channel as Channel] = r.queued;
      queued += r.queued;
      unsent += r.unsent;
    }
  }
  const firstMs = firsts.map((r) => num(r.first_ms)).filter((v): v is number => v !== null);
  return {
    first_accept_ms: firstMs.length ? Math.min(...firstMs) : null,
    first_accept_ms_by_channel: byChannel,
    normal_queued: queued,
    normal_queued_by_channel: queuedByChannel,
    normal_unsent: unsent,
    first_row_ms_by_channel: rowByChannel,
  };
}

export interface AcceptSeries {
  /** Seconds from the normal alert's issue to the urgent one's. */
  urgentIssuedS: number;
  /** Accepted deliveries per second, per channel (both alerts), index = second since the normal alert's issue. */
  perSecond: Record<Channel, number[]>;
  urgentPerSecond: Record<Channel, number[]>;
}

export async function acceptSeries(pool: Pool, normal: IssuedAlert, urgent: IssuedAlert): Promise<AcceptSeries> {
  const { rows } = await pool.query(
    `SELECT channel, alert_id = $2::uuid AS urgent, floor(extract(epoch FROM accepted_at - $3::timestamptz))::int AS s, count(*)::int AS n
       FROM deliveries WHERE alert_id = ANY($1::uuid[]) AND accepted_at IS NOT NULL GROUP BY 1, 2, 3`,
    [[normal.id, urgent.id], urgent.id, normal.issuedAt],
  );
  const length = Math.max(1, ...rows.map((r) => r.s + 1));
  const zeros = () => Object.fromEntries(CHANNELS.map((c) => [c, new Array<number>(length).fill(0)])) as Record<Channel, number[]>;
  const perSecond = zeros();
  const urgentPerSecond = zeros();
  for (const r of rows) {
    if (r.s < 0) continue;
    perSecond[r.channel as Channel][r.s] += r.n;
    if (r.urgent) urgentPerSecond[r.channel as Channel][r.s] += r.n;
  }
  return { urgentIssuedS: (urgent.issuedAt.getTime() - normal.issuedAt.getTime()) / 1000, perSecond, urgentPerSecond };
}

/** Provider accept times (ms since the epoch) of the alerts' SMS, for the rate in the window's first and last quarter. */
export async function smsAcceptTimes(pool: Pool, alerts: IssuedAlert[]): Promise<number[]> {
  const { rows } = await pool.query(
    `SELECT extract(epoch FROM accepted_at) * 1000 AS t FROM deliveries
      WHERE alert_id = ANY($1::uuid[]) AND channel = 'sms' AND accepted_at IS NOT NULL`,
    [alerts.map((a) => a.id)],
  );
  return rows.map((r: { t: string | number }) => Number(r.t));
}

/**
 * When the last of the alerts' deliveries left `planned`/`sending`: its provider accept, or for
 * one that failed without an accept, its last update. The benchmark notices it only at its next
 * poll; this is the database's own time.
 */
export async function lastFinalAt(pool: Pool, alerts: IssuedAlert[]): Promise<Date | null> {
  const { rows } = await pool.query(
    `SELECT max(coalesce(accepted_at, updated_at)) AS t FROM deliveries
      WHERE alert_id = ANY($1::uuid[]) AND status NOT IN ('planned', 'sending', 'suppressed')`,
    [alerts.map((a) => a.id)],
  );
  return rows[0].t ?? null;
}

/** PostgreSQL backends of the benchmark's own pools (application_name bin-alert-bench…). */
export async function benchBackendPids(pool: Pool): Promise<number[]> {
  const { rows } = await pool.query(`SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'bin-alert-bench%'`);
  return rows.map((r: { pid: number }) => r.pid);
}

export interface Settled {
  /** Callbacks the simulator had still to send or to have answered at the first look (the last delivery was final by then). */
  pendingAtFirstLook: number;
  firstLookCaughtUp: boolean;
  /** When a look first found no callback pending: every one sent and answered, so applied (ADR 0041). */
  caughtUpAt: number | null;
  pendingLeft: number;
}

/**
 * After the last delivery became final, looks (every `everyMs`) at how many callbacks the
 * simulator has still to send or to have answered, until none or for `waitMs`.
 */
export async function waitForSettled(
  pendingCallbacks: () => Promise<number>,
  alive: () => void,
  waitMs: number,
  everyMs = 100,
  say: (line: string) => void = console.log,
): Promise<Settled> {
  const started = Date.now();
  let lastSaid = started;
  let first: number | null = null;
  for (;;) {
    alive();
    const pending = await pendingCallbacks();
    const now = Date.now();
    first ??= pending;
    if (pending === 0) return { pendingAtFirstLook: first, firstLookCaughtUp: first === 0, caughtUpAt: now, pendingLeft: 0 };
    if (now - started > waitMs) return { pendingAtFirstLook: first, firstLookCaughtUp: false, caughtUpAt: null, pendingLeft: pending };
    if (now - lastSaid >= 5000) {
      say(`[bench] after the last delivery: ${pending} callbacks still to send or to be answered by the tracker; waiting…`);
      lastSaid = now;
    }
    await sleep(everyMs);
  }
}
