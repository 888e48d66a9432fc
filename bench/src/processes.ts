import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { BENCH_QUERIES, OTHER_DATABASES, PostgresRole, ProcCpu, otherDatabasesCpuS, pidDeltas, postgresRole, treeCpuSeconds } from './cost';

/** One app of the system under test, run from dist as its own node process. */
export interface AppSpec {
  name: string;
  entry: string;
  /** Answers 2xx once the app is ready (consumers joined, dependencies reachable). */
  readyUrl: string;
  port: number;
}

export interface RunningApp extends AppSpec {
  child: ChildProcess;
  pid: number;
  log: string;
  exited: { code: number | null; signal: NodeJS.Signals | null } | null;
}

const CLK_TCK = 100; // getconf CLK_TCK on Linux x86-64 and arm64

/** Exits with a clear message when one of the ports is taken: another instance of the system is running. */
export async function ensurePortsFree(ports: Array<{ port: number; what: string }>): Promise<void> {
  const taken: string[] = [];
  for (const { port, what } of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) taken.push(`${port} (${what})`);
  }
  if (taken.length) {
    throw new BenchAbort(
      `port${taken.length > 1 ? 's' : ''} ${taken.join(', ')} already in use: another BIN Alert (npm start, a test run, an earlier benchmark) is running. ` +
        "Its dispatchers would join the same consumer groups and take part of the benchmark's jobs (and the benchmark part of theirs). Stop it, then run the benchmark again.",
    );
  }
}

/** An error that ends the benchmark with its message only (no stack): the cause is known. */
export class BenchAbort extends Error {}

export function startApp(spec: AppSpec, env: NodeJS.ProcessEnv, logDir: string, nodeArgs: string[] = []): RunningApp {
  mkdirSync(logDir, { recursive: true });
  const log = join(logDir, `${spec.name}.log`);
  const fd = openSync(log, 'w');
  const child = spawn(process.execPath, [...nodeArgs, spec.entry], { env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${spec.name}`);
  const app: RunningApp = { ...spec, child, pid: child.pid, log, exited: null };
  child.on('exit', (code, signal) => (app.exited = { code, signal }));
  return app;
}

/**
 * The node options deploy/node-options.sh gives the app of `entry` (dist/apps/<app>/src/main.js), so
 * that the benchmark starts each app as the image and scripts/run.sh do (ADR 0048).
 */
export function nodeOptionsOf(root: string, entry: string): string[] {
  const app = basename(dirname(dirname(entry)));
  return execFileSync('sh', [join(root, 'deploy', 'node-options.sh'), app], { encoding: 'utf8' })
    .split(/\s+/)
    .filter(Boolean);
}

export function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function waitReady(app: RunningApp, timeoutMs = 90_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (app.exited) throw new BenchAbort(`${app.name} exited during start-up (${JSON.stringify(app.exited)}); last lines of ${app.log}:\n${tail(app.log)}`);
    try {
      const res = await fetch(app.readyUrl, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new BenchAbort(`${app.name} not ready at ${app.readyUrl} after ${timeoutMs / 1000} s; last lines of ${app.log}:\n${tail(app.log)}`);
}

/** SIGTERM, then SIGKILL for those still alive after `graceMs`. */
export async function stopApps(apps: RunningApp[], graceMs = 10_000): Promise<void> {
  const alive = apps.filter((a) => !a.exited);
  for (const a of alive) a.child.kill('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive.some((a) => !a.exited) && Date.now() < deadline) await sleep(100);
  for (const a of alive) {
    if (!a.exited) {
      console.warn(`[bench] ${a.name} (pid ${a.pid}) still running ${graceMs / 1000} s after SIGTERM: SIGKILL`);
      a.child.kill('SIGKILL');
    }
  }
  const killDeadline = Date.now() + 5000;
  while (alive.some((a) => !a.exited) && Date.now() < killDeadline) await sleep(50);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A process's own and reaped children's CPU seconds, or null when it is gone. */
export function procCpu(pid: number): ProcCpu | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, cpuS: (Number(fields[11]) + Number(fields[12])) / CLK_TCK, reapedChildrenS: (Number(fields[13]) + Number(fields[14])) / CLK_TCK };
  } catch {
    return null;
  }
}

/** utime + stime of a process in seconds, or null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  return procCpu(pid)?.cpuS ?? null;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Whole machine: busy and total jiffies since boot, from /proc/stat. */
export function machineJiffies(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + (cpu[4] ?? 0);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * The infrastructure the apps use, found by command name: every PostgreSQL backend, the Kafka
 * broker (java with kafka.Kafka or KafkaRaftServer on its command line) and Redis.
 */
export function infraPids(): Record<'postgres' | 'kafka' | 'redis', number[]> {
  const out = { postgres: [] as number[], kafka: [] as number[], redis: [] as number[] };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'postgres') out.postgres.push(Number(entry));
      else if (comm.startsWith('redis-server')) out.redis.push(Number(entry));
      else if (comm === 'java') {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (/kafka\.Kafka|KafkaRaftServer|kafka\.server/.test(cmdline)) out.kafka.push(Number(entry));
      }
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Samples every app's resident memory every 500 ms (VmRSS) and reads its high-water mark
 * (VmHWM) on demand; CPU time per process (and of the infrastructure) between two snapshots.
 */
export class ProcessSampler {
  private readonly peakKb = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  readonly rssSeries: Array<{ t: number; mb: Record<string, number> }> = [];

  constructor(
    private readonly apps: RunningApp[],
    private readonly seriesOrigin: () => number,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), 500);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
  }

  private sample(): void {
    const mb: Record<string, number> = {};
    for (const app of this.apps) {
      const rss = statusKb(app.pid, 'VmRSS');
      const hwm = statusKb(app.pid, 'VmHWM');
      const peak = Math.max(rss ?? 0, hwm ?? 0, this.peakKb.get(app.name) ?? 0);
      this.peakKb.set(app.name, peak);
      if (rss !== null) mb[app.name] = Math.round(rss / 1024);
    }
    this.rssSeries.push({ t: Date.now() - this.seriesOrigin(), mb });
  }

  /** Peak resident set per app in MB (max of the samples and the kernel's VmHWM). */
  peakRssMb(): Record<string, number> {
    this.sample();
    return Object.fromEntries([...this.peakKb].map(([name, kb]) => [name, Math.round(kb / 102.4) / 10]));
  }
}

/**
 * The PostgreSQL server is shared: other engineers' databases (a test run, a lab with a million
 * members) load it during a run, and their backends are postgres processes like the system's.
 * Reads every postgres process's CPU and title every 500 ms from start(), so that what went to
 * other databases can be taken out of the run's PostgreSQL figure. A backend that starts and
 * ends between two readings is not seen: its CPU stays in the figure.
 */
export class PostgresNeighbours {
  private readonly seen = new Map<number, { role: PostgresRole; first: number; last: number }>();
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  /** The benchmark's own backends: counted as its queries, not as another database's. */
  readonly skip = new Set<number>();

  constructor(private readonly database: string) {}

  start(): void {
    this.sample();
    this.started = true;
    this.timer = setInterval(() => this.sample(), 500);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private sample(): void {
    for (const pid of infraPids().postgres) {
      const cpu = cpuSeconds(pid);
      if (cpu === null) continue;
      const known = this.seen.get(pid);
      if (known) known.last = cpu;
      // A backend just forked still has the postmaster's title: read it again until it names its database.
      if (known?.role) continue;
      let title: string;
      try {
        title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (known) known.role = postgresRole(title);
      else this.seen.set(pid, { role: postgresRole(title), first: this.started ? 0 : cpu, last: cpu });
    }
  }

  /** CPU seconds PostgreSQL spent for other databases since start(), read now. */
  otherCpuS(): number {
    this.sample();
    return otherDatabasesCpuS(this.seen, this.database, this.skip);
  }
}

export interface CpuSnapshot {
  at: number;
  apps: Record<string, number>;
  /** Per infrastructure service, CPU seconds since it started, exited processes included. */
  infra: Record<string, number>;
  /** PostgreSQL backends serving the benchmark's own connections: CPU seconds per pid. */
  benchBackends: Record<number, number>;
  /** PostgreSQL's CPU seconds for other databases since the neighbours' first reading. */
  postgresOthers: number;
  machine: { busy: number; total: number };
}

/**
 * `benchBackendPids`: the PostgreSQL backends of the benchmark's own pools, whose work is the
 * benchmark's (progress polling), not the system's.
 */
export function cpuSnapshot(apps: RunningApp[], extra: Record<string, number> = {}, benchBackendPids: number[] = [], neighbours: PostgresNeighbours | null = null): CpuSnapshot {
  const infra: Record<string, number> = {};
  for (const [name, pids] of Object.entries(infraPids())) infra[name] = treeCpuSeconds(pids.map(procCpu).filter((p): p is ProcCpu => p !== null));
  const appCpu: Record<string, number> = {};
  for (const a of apps) appCpu[a.name] = cpuSeconds(a.pid) ?? 0;
  for (const [name, pid] of Object.entries(extra)) appCpu[name] = cpuSeconds(pid) ?? 0;
  const benchBackends: Record<number, number> = {};
  for (const pid of benchBackendPids) {
    const v = cpuSeconds(pid);
    if (v !== null) benchBackends[pid] = v;
  }
  for (const pid of benchBackendPids) neighbours?.skip.add(pid);
  const postgresOthers = neighbours?.otherCpuS() ?? 0;
  return { at: Date.now(), apps: appCpu, infra, benchBackends, postgresOthers, machine: machineJiffies() };
}

export interface CpuUse {
  wallS: number;
  cpuS: Record<string, number>;
  coreShare: Record<string, number>;
  machineBusy: number;
  /** Busy CPU seconds of the whole machine (every core). */
  machineBusyS: number;
}

/** CPU seconds each process used between two snapshots, and its share of one core. */
export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot, digits = 1): CpuUse {
  const wallS = (b.at - a.at) / 1000;
  const r = (n: number) => Math.round(n * 10 ** digits) / 10 ** digits;
  const cpuS: Record<string, number> = {};
  for (const [name, v] of Object.entries(b.apps)) cpuS[name] = r(v - (a.apps[name] ?? 0));
  for (const [name, v] of Object.entries(b.infra)) cpuS[name] = r(Math.max(0, v - (a.infra[name] ?? 0)));
  // A bench backend that ended between the snapshots stays in PostgreSQL's total: its pools keep
  // their connections (idleTimeoutMillis 0) so that this does not happen.
  const benchQueries = pidDeltas(a.benchBackends, b.benchBackends);
  if (Object.keys(b.benchBackends).length && cpuS.postgres !== undefined) {
    cpuS[BENCH_QUERIES] = r(Math.min(benchQueries, b.infra.postgres - (a.infra.postgres ?? 0)));
    cpuS.postgres = r(Math.max(0, cpuS.postgres - cpuS[BENCH_QUERIES]));
  }
  const others = b.postgresOthers - a.postgresOthers;
  if (others > 0 && cpuS.postgres !== undefined) {
    cpuS[OTHER_DATABASES] = r(Math.min(others, cpuS.postgres));
    cpuS.postgres = r(cpuS.postgres - cpuS[OTHER_DATABASES]);
  }
  const coreShare = Object.fromEntries(Object.entries(cpuS).map(([n, s]) => [n, wallS > 0 ? Math.round((s / wallS) * 100) / 100 : 0]));
  const machineBusy = b.machine.total > a.machine.total ? (b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total) : 0;
  // /proc/stat counts jiffies of every core: busy jiffies / CLK_TCK are CPU seconds.
  const machineBusyS = (b.machine.busy - a.machine.busy) / CLK_TCK;
  return { wallS, cpuS, coreShare, machineBusy: Math.round(machineBusy * 100) / 100, machineBusyS };
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

export function entryExists(entry: string): boolean {
  return existsSync(entry);
}
