import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

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
        'Its dispatchers would join the same consumer groups and take part of the benchmark\'s jobs (and the benchmark part of theirs). Stop it, then run the benchmark again.',
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

/** utime + stime of a process in seconds, or null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return null;
  }
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

  constructor(private readonly apps: RunningApp[], private readonly seriesOrigin: () => number) {}

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

export interface CpuSnapshot {
  at: number;
  apps: Record<string, number>;
  /** Per infrastructure service, CPU seconds per pid (backends come and go). */
  infra: Record<string, Record<number, number>>;
  machine: { busy: number; total: number };
}

export function cpuSnapshot(apps: RunningApp[], extra: Record<string, number> = {}): CpuSnapshot {
  const infra: Record<string, Record<number, number>> = {};
  for (const [name, pids] of Object.entries(infraPids())) infra[name] = Object.fromEntries(pids.map((pid) => [pid, cpuSeconds(pid) ?? 0]));
  const appCpu: Record<string, number> = {};
  for (const a of apps) appCpu[a.name] = cpuSeconds(a.pid) ?? 0;
  for (const [name, pid] of Object.entries(extra)) appCpu[name] = cpuSeconds(pid) ?? 0;
  return { at: Date.now(), apps: appCpu, infra, machine: machineJiffies() };
}

/** CPU seconds each process used between two snapshots, and its share of one core. */
export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): { wallS: number; cpuS: Record<string, number>; coreShare: Record<string, number>; machineBusy: number } {
  const wallS = (b.at - a.at) / 1000;
  const cpuS: Record<string, number> = {};
  for (const [name, v] of Object.entries(b.apps)) cpuS[name] = round1(v - (a.apps[name] ?? 0));
  // PostgreSQL backends come and go: one started meanwhile counts in full, one that exited meanwhile is lost.
  for (const [name, pids] of Object.entries(b.infra)) {
    cpuS[name] = round1(Object.entries(pids).reduce((sum, [pid, v]) => sum + Math.max(0, v - (a.infra[name]?.[Number(pid)] ?? 0)), 0));
  }
  const coreShare = Object.fromEntries(Object.entries(cpuS).map(([n, s]) => [n, wallS > 0 ? Math.round((s / wallS) * 100) / 100 : 0]));
  const machineBusy = b.machine.total > a.machine.total ? (b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total) : 0;
  return { wallS, cpuS, coreShare, machineBusy: Math.round(machineBusy * 100) / 100 };
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

export function entryExists(entry: string): boolean {
  return existsSync(entry);
}
