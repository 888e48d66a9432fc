/**
 * What a run costs, from numbers already measured: no I/O here, so that the arithmetic can be
 * unit-tested (bench/src/cost.spec.ts) apart from a run of the whole system.
 */

/** One process as /proc/<pid>/stat shows it, in CPU seconds. */
export interface ProcCpu {
  pid: number;
  /** utime + stime: the process itself, all its threads, live or exited. */
  cpuS: number;
  /** cutime + cstime: its children that have exited and been reaped (with what they had reaped). */
  reapedChildrenS: number;
}

/**
 * CPU seconds a server (PostgreSQL, Redis, Kafka) has used since it started, including its
 * processes that already exited: a child's time moves into its parent's cutime when the parent
 * reaps it, so summing own and reaped time over the live processes counts every process of the
 * tree once. A PostgreSQL backend that ends during the run is then still counted (in the
 * postmaster's cutime), which summing the live backends alone loses. The difference of two such
 * totals is what the server used between them.
 */
export function treeCpuSeconds(procs: ProcCpu[]): number {
  return procs.reduce((total, p) => total + p.cpuS + p.reapedChildrenS, 0);
}

/** CPU seconds of each process between two per-pid readings; a pid new in `after` counts in full. */
export function pidDeltas(before: Record<number, number>, after: Record<number, number>): number {
  let sum = 0;
  for (const [pid, v] of Object.entries(after)) sum += Math.max(0, v - (before[Number(pid)] ?? 0));
  return sum;
}

/** PostgreSQL's work for the benchmark's own queries (progress polling, neighbour checks). */
export const BENCH_QUERIES = 'postgres (bench-runner queries)';

/** Other databases' work on the shared PostgreSQL server (tests, other engineers): neither system nor world. */
export const OTHER_DATABASES = 'postgres (other databases)';

/** The system under test: what a real deployment runs. */
export const SYSTEM_PROCESSES = ['intake', 'dispatcher-sms', 'dispatcher-email', 'dispatcher-voice', 'tracker', 'postgres', 'kafka', 'redis'] as const;
/** A process of the system: one of SYSTEM_PROCESSES, or an instance of a dispatcher (dispatcher-sms-a, `--instances`). */
export function isSystemProcess(name: string): boolean {
  return SYSTEM_PROCESSES.some((p) => name === p || (p.startsWith('dispatcher-') && name.startsWith(`${p}-`)));
}
/** The simulated world around it: the providers and whoever drives and watches the run. */
export const WORLD_PROCESSES = ['provider-sim', 'bench-runner', BENCH_QUERIES] as const;

export interface CostResult {
  /** Deliveries the providers accepted (every channel, both alerts): the denominator. */
  accepted_deliveries: number;
  /** First alert issued → last delivery final and every callback sent and answered (or given up on). */
  window_s: number;
  system_cpu_ms_per_delivery: number | null;
  world_cpu_ms_per_delivery: number | null;
  by_process_cpu_ms_per_delivery: Record<string, number | null>;
  /** Simulator CPU seconds / (window seconds × cores). */
  simulator_cpu_share: number | null;
  /** CPU seconds per process in the window. */
  cpu_s: Record<string, number>;
  system_cpu_s: number;
  world_cpu_s: number;
  /** Busy CPU seconds of the whole machine in the window minus every process above: other users, the kernel. */
  unattributed_cpu_s: number;
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Per accepted delivery: CPU-ms of the system, of the world, and of each process. */
export function costPerDelivery(cpuS: Record<string, number>, accepted: number, windowS: number, cores: number, machineBusyS: number): CostResult {
  const sum = (names: readonly string[]) => names.reduce((s, n) => s + (cpuS[n] ?? 0), 0);
  const perDelivery = (seconds: number) => (accepted > 0 ? round((seconds * 1000) / accepted, 3) : null);
  const system = sum(Object.keys(cpuS).filter(isSystemProcess));
  const world = sum(WORLD_PROCESSES);
  const all = Object.values(cpuS).reduce((s, v) => s + v, 0);
  const sim = cpuS['provider-sim'];
  return {
    accepted_deliveries: accepted,
    window_s: round(windowS, 1),
    system_cpu_ms_per_delivery: perDelivery(system),
    world_cpu_ms_per_delivery: perDelivery(world),
    by_process_cpu_ms_per_delivery: Object.fromEntries(
      Object.entries(cpuS)
        .sort((a, b) => b[1] - a[1])
        .map(([n, s]) => [n, perDelivery(s)]),
    ),
    simulator_cpu_share: sim !== undefined && windowS > 0 && cores > 0 ? round(sim / (windowS * cores), 3) : null,
    cpu_s: Object.fromEntries(Object.entries(cpuS).map(([n, s]) => [n, round(s, 2)])),
    system_cpu_s: round(system, 2),
    world_cpu_s: round(world, 2),
    unattributed_cpu_s: round(machineBusyS - all, 1),
  };
}

export interface QuarterWindow {
  /** Milliseconds since the epoch, as the deliveries' accepted_at. */
  from_ms: number;
  to_ms: number;
  accepted: number;
  per_s: number;
}

export interface QuarterRates {
  /** First to last accept. */
  window_from_ms: number;
  window_to_ms: number;
  early: QuarterWindow;
  late: QuarterWindow;
  /** late.per_s / early.per_s; null when the first quarter has no accept (cannot happen: it holds the first). */
  late_vs_early: number | null;
}

/**
 * Accepts per second in the first and the last quarter of the window from the first to the last
 * accept, and their ratio: 1.0 when the rate holds, below 1 when it falls as the backlog drains.
 * The first quarter is [first, first + q), the last (last − q, last], so that neither holds the
 * other's boundary and both hold one end of the window.
 */
export function quarterRates(acceptedAtMs: number[]): QuarterRates | null {
  if (acceptedAtMs.length < 2) return null;
  let first = Infinity;
  let last = -Infinity;
  for (const t of acceptedAtMs) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const q = (last - first) / 4;
  if (q <= 0) return null;
  let early = 0;
  let late = 0;
  for (const t of acceptedAtMs) {
    if (t < first + q) early++;
    if (t > last - q) late++;
  }
  const perS = (n: number) => round(n / (q / 1000), 1);
  return {
    window_from_ms: first,
    window_to_ms: last,
    early: { from_ms: first, to_ms: first + q, accepted: early, per_s: perS(early) },
    late: { from_ms: last - q, to_ms: last, accepted: late, per_s: perS(late) },
    late_vs_early: early > 0 ? round(late / early, 3) : null,
  };
}

/**
 * Milliseconds from the last delivery's final state until the simulator had no callback left to
 * send or to have answered (the tracker applies a status before it answers, ADR 0041): 0 when
 * the first look after the end already found none (it never fell behind, at the resolution of
 * that look), null when it never caught up.
 */
export function caughtUpMs(lastFinalAtMs: number, firstLookCaughtUp: boolean, caughtUpAtMs: number | null): number | null {
  if (firstLookCaughtUp) return 0;
  if (caughtUpAtMs === null) return null;
  return Math.max(0, Math.round(caughtUpAtMs - lastFinalAtMs));
}

/** Whom a PostgreSQL process works for, read from its process title (/proc/<pid>/cmdline). */
export type PostgresRole = { database: string } | { leaderPid: number } | null;

/**
 * PostgreSQL names a backend's database in its process title ("postgres: 15/main: user db
 * 127.0.0.1(5432) idle", "… autovacuum worker db"), and a parallel worker its leader; the
 * postmaster and the server's own processes (checkpointer, walwriter…) serve every database: null.
 */
export function postgresRole(title: string): PostgresRole {
  const t = title.replace(/\0/g, ' ').trim();
  const autovacuum = /autovacuum worker\s+(\S+)/.exec(t);
  if (autovacuum) return { database: autovacuum[1] };
  const parallel = /parallel worker for PID (\d+)/.exec(t);
  if (parallel) return { leaderPid: Number(parallel[1]) };
  const backend = /^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])/.exec(t);
  return backend ? { database: backend[1] } : null;
}

/**
 * CPU seconds PostgreSQL spent for other databases than `database` on a shared server, from
 * per-pid readings: each pid counts from its first reading (0 for one that started after the
 * first reading of all) to its last. `skip`: pids already accounted for elsewhere.
 */
export function otherDatabasesCpuS(seen: Map<number, { role: PostgresRole; first: number; last: number }>, database: string, skip: Set<number> = new Set()): number {
  const databaseOf = (role: PostgresRole): string | null => {
    if (role === null) return null;
    if ('database' in role) return role.database;
    const leader = seen.get(role.leaderPid)?.role;
    return leader && 'database' in leader ? leader.database : null;
  };
  let sum = 0;
  for (const [pid, p] of seen) {
    const db = databaseOf(p.role);
    if (db !== null && db !== database && !skip.has(pid)) sum += Math.max(0, p.last - p.first);
  }
  return sum;
}
