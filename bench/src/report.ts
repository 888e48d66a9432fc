import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Channel } from '@bin-alert/domain';
import type { CeilingResult } from './ceiling';
import { CostResult, WORLD_PROCESSES } from './cost';
import { InstanceShares, sharesLine } from './instances';
import type { ChannelResult, UrgentResult } from './measurements';

export interface BenchResult {
  members: number;
  normal_members: number;
  urgent_bins: string[];
  started_at: string;
  finished_at: string;
  command: string;
  machine: { cores: number; memory_gib: number; cpu_model: string; node: string };
  settings: Record<string, string | number>;
  alerts: Record<'normal' | 'urgent', { id: string; category: string; bins: number; audience: number; issued_at: string; http_201_ms: number }>;
  /** Normal alert: issue → last delivery row written, slowest channel. */
  planning_ms: number | null;
  planning: Record<Channel, { first_row_ms: number | null; last_row_ms: number | null; rows: number }>;
  /** Members planned per second per channel, slowest channel, first to last row. */
  planning_members_per_s: number | null;
  /** first row + 1 000 000 / planning_members_per_s: a linear extrapolation, not a measurement. */
  planning_extrapolated_1m_ms: number | null;
  sms: ChannelResult & SmsRate;
  email: ChannelResult;
  voice: ChannelResult;
  urgent_under_backlog: UrgentResult;
  /** Processes of each dispatcher (--instances) and the share of each lane's accepted deliveries each one sent. */
  instances: { per_dispatcher: number; shares: InstanceShares };
  ceiling: CeilingResult | null;
  duplicates: number | null;
  missing: number | null;
  /** Accepted at the simulator but not recorded as accepted in PostgreSQL (sent, outcome lost). */
  unrecorded: number | null;
  simulator: {
    accepted: Record<Channel, number>;
    duplicates: Record<Channel, number>;
    rejected: Record<Channel, Record<string, number>>;
    rate_limited: Record<Channel, number>;
    pending_callbacks: number;
  } | null;
  peak_rss_mb: Record<string, number>;
  cpu_s: Record<string, number>;
  cpu_core_share: Record<string, number>;
  machine_busy: number;
  timings_s: Record<string, number>;
  /** Callbacks still to send or to be answered (so applied, ADR 0041) when the last delivery was final, and how long they took; the keys keep their names from when a projection read them back. */
  tracker: {
    running: boolean;
    projection_lag_at_done: number | null;
    projection_catch_up_s: number | null;
    projection_lag_left: number | null;
    /** Last delivery final (database time) → no callback pending at the simulator (every one sent and answered); 0 if the first look found it so. */
    caught_up_ms: number | null;
  };
  /** CPU per accepted delivery over the cost window (first alert issued → every callback sent and answered). */
  cost: CostResult;
  targets: TargetRow[];
  notes: string[];
}

/** SMS accepted per second in the last quarter of the SMS sending window / in the first quarter. */
export interface SmsRate {
  late_vs_early_rate: number | null;
  /** The two quarters, in seconds since the normal alert's issue (the chart's time axis). */
  rate_quarters: Record<'early' | 'late', { from_s: number; to_s: number; accepted: number; per_s: number }> | null;
}

export interface TargetRow {
  metric: string;
  value: string;
  target: string;
  met: 'yes' | 'NO' | 'n/a' | '';
  note?: string;
}

const fmt = (n: number | null | undefined, unit = ''): string => (n === null || n === undefined ? 'null' : `${n.toLocaleString('en-US').replace(/,/g, ' ')}${unit}`);
const ratio = (a: number | null, b: number | null | undefined): number | null => (a !== null && b ? Math.round((a / b) * 100) / 100 : null);

/** The issue's targets, evaluated honestly: a target whose condition this run does not meet is n/a. */
export function evaluateTargets(r: BenchResult): TargetRow[] {
  const rows: TargetRow[] = [];
  const info = (metric: string, value: string, note?: string) => rows.push({ metric, value, target: '', met: '', note });
  const check = (metric: string, value: string, target: string, met: boolean | null, note?: string) =>
    rows.push({ metric, value, target, met: met === null ? 'n/a' : met ? 'yes' : 'NO', note });

  info('members', fmt(r.members), r.normal_members !== r.members ? `normal alert audience ${fmt(r.normal_members)}` : undefined);
  info('instances per dispatcher', fmt(r.instances.per_dispatcher), `share of accepted deliveries: ${sharesLine(r.instances.shares)}`);
  const smsRatio = r.sms.vs_ceiling ?? null;
  const emailRatio = r.email.vs_ceiling ?? null;
  check(
    'sms.throughput_per_s',
    fmt(r.sms.throughput_per_s, '/s'),
    `≥ 0.7 × ceiling (${fmt(r.ceiling?.sms_throughput_per_s ?? null, '/s')})`,
    smsRatio === null ? null : smsRatio >= 0.7,
    smsRatio === null ? undefined : `${smsRatio} × ceiling`,
  );
  check(
    'email.throughput_per_s',
    fmt(r.email.throughput_per_s, '/s'),
    `≥ 0.5 × ceiling (${fmt(r.ceiling?.email_throughput_per_s ?? null, '/s')})`,
    emailRatio === null ? null : emailRatio >= 0.5,
    emailRatio === null ? undefined : `${emailRatio} × ceiling`,
  );
  info('voice.throughput_per_s', fmt(r.voice.throughput_per_s, '/s'), `capped by TWILIO_CALLS_PER_SECOND=${r.settings.TWILIO_CALLS_PER_SECOND}`);
  info('ceiling.sms_throughput_per_s', fmt(r.ceiling?.sms_throughput_per_s ?? null, '/s'), r.ceiling ? `${r.ceiling.concurrency} in flight, one process` : undefined);
  info('ceiling.email_throughput_per_s', fmt(r.ceiling?.email_throughput_per_s ?? null, '/s'), r.ceiling ? `batches of 1000, ${r.ceiling.email_concurrency} in flight` : undefined);
  info('sms.p50 / p95 / p99_accept_ms', `${fmt(r.sms.p50_accept_ms)} / ${fmt(r.sms.p95_accept_ms)} / ${fmt(r.sms.p99_accept_ms)}`, 'intake issue → provider accept, both alerts');
  for (const c of ['sms', 'email', 'voice'] as const) {
    const ch = r[c];
    const what =
      ch.delivered === null
        ? 'no tracker or no delivered_at column'
        : ch.delivered === 0
          ? 'no delivered_at recorded (no status callbacks reached the tracker)'
          : `${fmt(ch.delivered)} of ${fmt(ch.accepted)} delivered, ${ch.delivered_precision} precision${ch.delivered_precision === 'minute' ? ' (too coarse for a latency: not reported)' : ''}`;
    info(`${c}.p50 / p99_delivered_ms`, `${fmt(ch.p50_delivered_ms)} / ${fmt(ch.p99_delivered_ms)}`, what);
  }

  if (r.tracker.running) {
    info(
      'callbacks pending',
      `${fmt(r.tracker.projection_lag_at_done)} callbacks`,
      `when the last delivery was final; ${r.tracker.projection_lag_left ? `${fmt(r.tracker.projection_lag_left)} still pending after ${r.tracker.projection_catch_up_s} s` : `answered within ${r.tracker.projection_catch_up_s} s`}`,
    );
  }
  const at100k = r.members >= 100_000;
  const atSize = (met: boolean) => (at100k ? met : null);
  const sizeNote = at100k ? '' : `; target at 100 000 members, run has ${fmt(r.members)}`;
  const c = r.cost;
  const top = (names: (n: string) => boolean) =>
    Object.entries(c.by_process_cpu_ms_per_delivery)
      .filter(([n, v]) => names(n) && v !== null)
      .map(([n, v]) => `${n} ${v}`)
      .join(', ');
  const world = new Set<string>(WORLD_PROCESSES);
  check(
    'cost.system_cpu_ms_per_delivery',
    fmt(c.system_cpu_ms_per_delivery, ' ms'),
    '≤ 1.0 ms at 100 000 members',
    c.system_cpu_ms_per_delivery === null ? null : atSize(c.system_cpu_ms_per_delivery <= 1.0),
    `${fmt(c.accepted_deliveries)} accepted in ${c.window_s} s: ${top((n) => !world.has(n))}${sizeNote}`,
  );
  info('cost.world_cpu_ms_per_delivery', fmt(c.world_cpu_ms_per_delivery, ' ms'), `${top((n) => world.has(n))}; unattributed machine CPU ${c.unattributed_cpu_s} s`);
  check(
    'cost.simulator_cpu_share',
    c.simulator_cpu_share === null ? 'null' : `${Math.round(c.simulator_cpu_share * 1000) / 10} %`,
    '≤ 20 % of the machine at 100 000 members',
    c.simulator_cpu_share === null ? null : atSize(c.simulator_cpu_share <= 0.2),
    `provider-sim ${c.cpu_s['provider-sim'] ?? '?'} CPU-s over ${c.window_s} s × ${r.machine.cores} cores${sizeNote}`,
  );
  const q = r.sms.rate_quarters;
  check(
    'sms.late_vs_early_rate',
    fmt(r.sms.late_vs_early_rate),
    '≥ 0.9 at 100 000 members',
    r.sms.late_vs_early_rate === null ? null : atSize(r.sms.late_vs_early_rate >= 0.9),
    q
      ? `first quarter ${q.early.per_s}/s (${q.early.from_s}–${q.early.to_s} s), last ${q.late.per_s}/s (${q.late.from_s}–${q.late.to_s} s)${sizeNote}`
      : 'fewer than 2 SMS accepted',
  );
  if (r.tracker.running) {
    check(
      'tracker.caught_up_ms',
      fmt(r.tracker.caught_up_ms, ' ms'),
      '≤ 2 000 ms at 100 000 members',
      r.tracker.caught_up_ms === null ? null : atSize(r.tracker.caught_up_ms <= 2000),
      `${r.tracker.caught_up_ms === null ? `never caught up: ${fmt(r.tracker.projection_lag_left)} callbacks pending when the benchmark stopped waiting` : 'last delivery final → every callback answered, its status applied'}${sizeNote}`,
    );
  }
  const totalS = r.timings_s.total_s ?? null;
  check('timings_s.total_s', fmt(totalS, ' s'), '< 600 s at 100 000 members', totalS === null ? null : atSize(totalS < 600), `seeding to ceiling, without the build${sizeNote}`);
  const atMillion = r.normal_members >= 1_000_000;
  const extrapolated = r.planning_extrapolated_1m_ms === null ? null : Math.round(r.planning_extrapolated_1m_ms / 100) / 10;
  check(
    'planning_ms',
    fmt(r.planning_ms, ' ms'),
    '≤ 30 000 ms at 1 000 000 members',
    atMillion && r.planning_ms !== null ? r.planning_ms <= 30_000 : null,
    atMillion ? undefined : `run has ${fmt(r.normal_members)}; ${fmt(r.planning_members_per_s, '/s')} per channel → 1M extrapolated ~${fmt(extrapolated, ' s')}`,
  );

  const u = r.urgent_under_backlog;
  const enoughQueued = (u.normal_queued ?? 0) >= 500_000;
  check(
    'urgent_under_backlog.first_accept_ms',
    fmt(u.first_accept_ms, ' ms'),
    '≤ 500 ms with ≥ 500 000 normal queued',
    enoughQueued && u.first_accept_ms !== null ? u.first_accept_ms <= 500 : null,
    `${fmt(u.normal_queued)} normal deliveries queued then${enoughQueued ? '' : ` (< 500 000); ≤ 500 ms ${u.first_accept_ms !== null && u.first_accept_ms <= 500 ? 'held' : 'NOT held'} at this backlog`}`,
  );

  const dispatcherRss = Object.entries(r.peak_rss_mb).filter(([n]) => n.startsWith('dispatcher-'));
  const maxRss = dispatcherRss.length ? Math.max(...dispatcherRss.map(([, v]) => v)) : null;
  const atMillionMembers = r.members >= 1_000_000;
  check(
    'dispatcher peak RSS',
    fmt(maxRss, ' MB'),
    '≤ 300 MB at 1 000 000 members',
    atMillionMembers && maxRss !== null ? maxRss <= 300 : null,
    `${dispatcherRss.map(([n, v]) => `${n.replace('dispatcher-', '')} ${v}`).join(', ')}${atMillionMembers ? '' : `; run has ${fmt(r.members)} members`}`,
  );
  check(
    'duplicates',
    fmt(r.duplicates),
    '= 0',
    r.duplicates === null ? null : r.duplicates === 0,
    'at the simulator: same to+body (SMS), same delivery_id (e-mail), same to+TwiML (voice)',
  );
  check(
    'missing',
    fmt(r.missing),
    '= 0',
    r.missing === null ? null : r.missing === 0,
    `accepted in PostgreSQL but not at the simulator${r.unrecorded ? `; ${r.unrecorded} at the simulator but not recorded accepted` : ''}`,
  );
  return rows;
}

export function printTable(rows: TargetRow[]): void {
  const header: TargetRow = { metric: 'metric', value: 'value', target: 'target', met: '' };
  const width = (k: keyof TargetRow) => Math.max(...[header, ...rows].map((r) => String(r[k] ?? '').length), k === 'met' ? 4 : 0);
  const w = { metric: width('metric'), value: width('value'), target: width('target'), met: width('met') };
  const line = (r: TargetRow, met: string) =>
    `  ${r.metric.padEnd(w.metric)}  ${r.value.padStart(w.value)}  ${r.target.padEnd(w.target)}  ${met.padEnd(w.met)}  ${r.note ?? ''}`.trimEnd();
  console.log(line(header, 'met?'));
  console.log(`  ${'-'.repeat(w.metric + w.value + w.target + w.met + 8 + 20)}`);
  for (const r of rows) console.log(line(r, r.met));
}

/** Writes the JSON where asked and a timestamped copy next to it; returns the copy's path. */
export function writeResult(out: string, result: BenchResult): string {
  mkdirSync(dirname(out), { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(out, json);
  const stamp = result.started_at.replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
  const copy = join(dirname(out), `bench-${stamp}-${result.members}.json`);
  writeFileSync(copy, json);
  return copy;
}

export { ratio };
