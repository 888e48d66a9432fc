// Not in the unit project's testMatch ({libs,apps}/**/*.spec.ts), so `npm test` does not run it:
// npx jest --selectProjects unit --testMatch '<rootDir>/bench/**/*.spec.ts'
import { BENCH_QUERIES, OTHER_DATABASES, PostgresRole, caughtUpMs, costPerDelivery, otherDatabasesCpuS, pidDeltas, postgresRole, quarterRates, treeCpuSeconds } from './cost';
import { waitForSettled } from './measurements';
import { CpuSnapshot, cpuBetween } from './processes';

describe('quarterRates', () => {
  it('is 1.0 for a flat rate', () => {
    // One accept every 10 ms for 10 s.
    const times = Array.from({ length: 1001 }, (_, i) => 1_000_000 + i * 10);
    const r = quarterRates(times)!;
    expect(r.window_from_ms).toBe(1_000_000);
    expect(r.window_to_ms).toBe(1_010_000);
    expect(r.early).toEqual({ from_ms: 1_000_000, to_ms: 1_002_500, accepted: 250, per_s: 100 });
    expect(r.late).toEqual({ from_ms: 1_007_500, to_ms: 1_010_000, accepted: 250, per_s: 100 });
    expect(r.late_vs_early).toBe(1);
  });

  it('falls below 1 when the rate drops towards the end', () => {
    // 200/s for the first 5 s, then 50/s for the next 5 s.
    const fast = Array.from({ length: 1000 }, (_, i) => i * 5);
    const slow = Array.from({ length: 251 }, (_, i) => 5000 + i * 20);
    const r = quarterRates([...slow, ...fast])!;
    expect(r.early.per_s).toBe(200);
    expect(r.late.per_s).toBe(50);
    expect(r.late_vs_early).toBe(0.25);
  });

  it('counts the first accept in the first quarter only and the last in the last quarter only', () => {
    const r = quarterRates([0, 4000])!;
    expect(r.early).toMatchObject({ from_ms: 0, to_ms: 1000, accepted: 1 });
    expect(r.late).toMatchObject({ from_ms: 3000, to_ms: 4000, accepted: 1 });
    expect(r.late_vs_early).toBe(1);
  });

  it('does not depend on the order of the timestamps', () => {
    const times = [5, 1000, 20, 3999, 4000, 0, 3500];
    expect(quarterRates(times)).toEqual(quarterRates([...times].sort((a, b) => a - b)));
  });

  it('has no window with fewer than two distinct times', () => {
    expect(quarterRates([])).toBeNull();
    expect(quarterRates([42])).toBeNull();
    expect(quarterRates([42, 42, 42])).toBeNull();
  });
});

describe('treeCpuSeconds', () => {
  it('adds the processes’ own time and what they reaped', () => {
    // Postmaster with two live backends; 3.5 s of backends that already exited are in its cutime.
    const total = treeCpuSeconds([
      { pid: 100, cpuS: 1, reapedChildrenS: 3.5 },
      { pid: 101, cpuS: 2, reapedChildrenS: 0 },
      { pid: 102, cpuS: 0.25, reapedChildrenS: 0 },
    ]);
    expect(total).toBe(6.75);
  });

  it('keeps counting a backend after it exits: its time moves into the parent’s cutime', () => {
    const before = treeCpuSeconds([
      { pid: 100, cpuS: 1, reapedChildrenS: 0 },
      { pid: 101, cpuS: 2, reapedChildrenS: 0 },
    ]);
    // 101 used 0.5 s more, then exited and was reaped; 103 started and used 0.2 s.
    const after = treeCpuSeconds([
      { pid: 100, cpuS: 1.1, reapedChildrenS: 2.5 },
      { pid: 103, cpuS: 0.2, reapedChildrenS: 0 },
    ]);
    expect(after - before).toBeCloseTo(0.1 + 0.5 + 0.2, 10);
  });
});

describe('pidDeltas', () => {
  it('sums what each pid used since the first reading, a new pid in full', () => {
    expect(pidDeltas({ 1: 10, 2: 5 }, { 1: 12, 2: 5, 3: 0.5 })).toBe(2.5);
  });
});

function snapshot(at: number, apps: Record<string, number>, infra: Record<string, number>, benchBackends: Record<number, number>, busy: number, postgresOthers = 0): CpuSnapshot {
  return { at, apps, infra, benchBackends, postgresOthers, machine: { busy, total: busy * 2 } };
}

describe('cpuBetween', () => {
  it('gives each process its delta and moves the benchmark’s own queries out of PostgreSQL', () => {
    const a = snapshot(0, { intake: 1, 'provider-sim': 2, 'bench-runner': 0.5 }, { postgres: 100, kafka: 50, redis: 5 }, { 900: 1 }, 1000);
    const b = snapshot(10_000, { intake: 3, 'provider-sim': 7, 'bench-runner': 1 }, { postgres: 106, kafka: 52, redis: 5.5 }, { 900: 1.5, 901: 0.5 }, 2600);
    const use = cpuBetween(a, b, 2);
    expect(use.wallS).toBe(10);
    expect(use.cpuS).toEqual({ intake: 2, 'provider-sim': 5, 'bench-runner': 0.5, postgres: 5, kafka: 2, redis: 0.5, [BENCH_QUERIES]: 1 });
    expect(use.coreShare['provider-sim']).toBe(0.5);
    expect(use.machineBusyS).toBe(16);
    expect(use.machineBusy).toBe(0.5);
  });

  it('takes other databases’ work out of PostgreSQL', () => {
    const a = snapshot(0, {}, { postgres: 100 }, {}, 1000, 0.5);
    const b = snapshot(10_000, {}, { postgres: 110 }, {}, 2000, 4.5);
    expect(cpuBetween(a, b, 2).cpuS).toEqual({ postgres: 6, [OTHER_DATABASES]: 4 });
  });
});

describe('postgresRole', () => {
  it('reads the database of a backend from its process title', () => {
    expect(postgresRole('postgres: 15/main: postgres bin_alert_bench 127.0.0.1(51274) idle\0\0\0')).toEqual({ database: 'bin_alert_bench' });
    expect(postgresRole('postgres: 15/main: postgres bin_alert_test 127.0.0.1(44432) INSERT')).toEqual({ database: 'bin_alert_test' });
    expect(postgresRole('postgres: app bin_alert [local] SELECT')).toEqual({ database: 'bin_alert' });
    expect(postgresRole('postgres: 15/main: autovacuum worker bin_alert_planning_lab_1m')).toEqual({ database: 'bin_alert_planning_lab_1m' });
  });

  it('names a parallel worker’s leader', () => {
    expect(postgresRole('postgres: 15/main: parallel worker for PID 9144')).toEqual({ leaderPid: 9144 });
  });

  it('serves every database for the postmaster and the server’s own processes', () => {
    expect(postgresRole('/usr/lib/postgresql/15/bin/postgres\0-D\0/var/lib/postgresql/15/main')).toBeNull();
    expect(postgresRole('postgres: 15/main: checkpointer')).toBeNull();
    expect(postgresRole('postgres: 15/main: background writer')).toBeNull();
    expect(postgresRole('postgres: 15/main: logical replication launcher')).toBeNull();
  });
});

describe('otherDatabasesCpuS', () => {
  it('sums what other databases’ backends and their parallel workers used, not the server’s own work', () => {
    const seen = new Map<number, { role: PostgresRole; first: number; last: number }>([
      [1, { role: { database: 'bin_alert_bench' }, first: 1, last: 9 }],
      [2, { role: { database: 'bin_alert_lab' }, first: 10, last: 13 }],
      [3, { role: { leaderPid: 2 }, first: 0, last: 0.5 }],
      [4, { role: { leaderPid: 1 }, first: 0, last: 2 }],
      [5, { role: null, first: 4, last: 6 }],
      [6, { role: { database: 'postgres' }, first: 0, last: 0.25 }],
    ]);
    expect(otherDatabasesCpuS(seen, 'bin_alert_bench')).toBe(3.75);
    // pid 6 is the benchmark's own connection to the maintenance database.
    expect(otherDatabasesCpuS(seen, 'bin_alert_bench', new Set([6]))).toBe(3.5);
  });
});

describe('costPerDelivery', () => {
  const cpuS = {
    intake: 0.5,
    'dispatcher-sms': 2,
    'dispatcher-email': 1,
    'dispatcher-voice': 0.5,
    tracker: 3,
    postgres: 2,
    kafka: 0.75,
    redis: 0.25,
    'provider-sim': 4,
    'bench-runner': 0.5,
    [BENCH_QUERIES]: 0.5,
  };

  it('splits the system from the simulated world, per accepted delivery', () => {
    const c = costPerDelivery(cpuS, 10_000, 20, 2, 16);
    expect(c.system_cpu_s).toBe(10);
    expect(c.world_cpu_s).toBe(5);
    expect(c.system_cpu_ms_per_delivery).toBe(1);
    expect(c.world_cpu_ms_per_delivery).toBe(0.5);
    expect(c.by_process_cpu_ms_per_delivery.tracker).toBe(0.3);
    expect(c.by_process_cpu_ms_per_delivery['provider-sim']).toBe(0.4);
    expect(Object.keys(c.by_process_cpu_ms_per_delivery)[0]).toBe('provider-sim');
    expect(c.simulator_cpu_share).toBe(0.1);
    expect(c.unattributed_cpu_s).toBe(1);
  });

  it('counts every instance of a dispatcher (--instances) as the system', () => {
    const { 'dispatcher-sms': sms, ...rest } = cpuS;
    const c = costPerDelivery({ ...rest, 'dispatcher-sms-a': sms / 2, 'dispatcher-sms-b': sms / 2 }, 10_000, 20, 2, 16);
    expect(c.system_cpu_s).toBe(10);
    expect(c.world_cpu_s).toBe(5);
  });

  it('has no per-delivery figure without deliveries', () => {
    const c = costPerDelivery(cpuS, 0, 20, 2, 16);
    expect(c.system_cpu_ms_per_delivery).toBeNull();
    expect(c.by_process_cpu_ms_per_delivery.intake).toBeNull();
  });
});

describe('caughtUpMs', () => {
  it('is 0 when the first look found nothing left', () => {
    expect(caughtUpMs(1000, true, 1500)).toBe(0);
  });
  it('runs from the last delivery’s final state to the look that found every callback answered', () => {
    expect(caughtUpMs(1000, false, 3250)).toBe(2250);
  });
  it('is null when it never caught up', () => {
    expect(caughtUpMs(1000, false, null)).toBeNull();
  });
});

describe('waitForSettled', () => {
  const quiet = () => undefined;

  it('waits until no callback is left to send or to be answered', async () => {
    const looks = [3, 1, 0];
    let i = 0;
    const s = await waitForSettled(async () => looks[i++], quiet, 10_000, 0, quiet);
    expect(i).toBe(3);
    expect(s).toMatchObject({ pendingAtFirstLook: 3, firstLookCaughtUp: false, pendingLeft: 0 });
    expect(s.caughtUpAt).not.toBeNull();
  });

  it('says so when the first look already finds every callback answered', async () => {
    const s = await waitForSettled(async () => 0, quiet, 10_000, 0, quiet);
    expect(s.firstLookCaughtUp).toBe(true);
  });

  it('gives up on callbacks that stay pending', async () => {
    const s = await waitForSettled(async () => 5, quiet, 30, 5, quiet);
    expect(s).toMatchObject({ caughtUpAt: null, pendingLeft: 5, pendingAtFirstLook: 5 });
  });
});
