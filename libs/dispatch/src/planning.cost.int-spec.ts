import 'reflect-metadata';
import { readFileSync, readdirSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { HandlerContext, MessageBus, OutgoingMessage } from '@bin-alert/messaging';
import { AALST_BINS, AlertRepository, PlanningRepository, ReferenceDataRepository, migrate, openDataSource } from '@bin-alert/persistence';
import { issuedAlert } from '../../../test/support/planned-alert';
import { testConfig } from '../../../bench/src/support/test-config';
import { AlertExpander, ExpansionSummary } from './alert-expander';
import { dispatchSettingsFrom } from './dispatcher.module';

/**
 * A measurement, not a test: planning alone, the three channels side by side as their
 * dispatchers plan, on a scratch database of its own (seeded once, set-based, in the benchmark's
 * proportions; its deliveries emptied before each run so that runs compare). Reports wall time,
 * rows/s per channel and PostgreSQL's CPU per delivery row (its backends' utime + stime, which the
 * other work on a shared machine disturbs far less than wall time). Skipped unless asked:
 *
 *   PLANNING_COST=1 PLANNING_COST_MEMBERS=100000 flock /tmp/bin-alert-shared-servers.lock npx jest libs/dispatch/src/planning.cost.int-spec.ts --selectProjects integration --runInBand --forceExit
 */
const enabled = process.env.PLANNING_COST === '1';
const MEMBERS = Number(process.env.PLANNING_COST_MEMBERS ?? 100_000);
const RUNS = Number(process.env.PLANNING_COST_RUNS ?? 2);
const URL = process.env.PLANNING_COST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bin_alert_bench_planning';
const TICK_MS = 10;
/** Members between two progress lines of one channel. */
const PROGRESS_EVERY = 200_000;

/** Wall ms of one channel's planning, phase by phase (a statement's time includes its wait for the CPU and for the other channels' locks). */
interface Phases {
  /** The first page, read by index (firstAudiencePage). */
  firstPageMs: number;
  /** shareAudience: the wait for the alert's advisory lock while another channel builds the snapshot, plus the build if this channel builds it. */
  shareMs: number;
  /** Of shareMs, the build itself (snapshotAudience): one channel's only. */
  buildMs: number;
  /** The snapshot pages' statements (writePage after the first), and how many. */
  pagesMs: number;
  pages: number;
  /** plannedFromAudience: the last channel drops the snapshot. (The final flush, the commit that waits for the WAL, is in "other", with the category look-up.) */
  finishMs: number;
}

type Method = (...args: unknown[]) => Promise<unknown>;

/**
 * Times PlanningRepository's phases per channel by wrapping its private methods on the prototype
 * (the measurement's own instrument: nothing in the repository changes for it), printing a
 * progress line every PROGRESS_EVERY members of a channel. Returns the phases and the undo.
 */
function timePhases(started: () => number): { phases: Map<string, Phases>; restore: () => void } {
  const phases = new Map<string, Phases>();
  const members = new Map<string, number>();
  const proto = PlanningRepository.prototype as unknown as Record<string, Method>;
  const originals = {
    writePage: proto.writePage,
    shareAudience: proto.shareAudience,
    snapshotAudience: proto.snapshotAudience,
    plannedFromAudience: proto.plannedFromAudience,
    plan: proto.plan,
  };
  const of = (channel: string): Phases => {
    const p = phases.get(channel) ?? { firstPageMs: 0, shareMs: 0, buildMs: 0, pagesMs: 0, pages: 0, finishMs: 0 };
    phases.set(channel, p);
    return p;
  };
  // A snapshot is built on the connection of the shareAudience call that builds it.
  const channelOf = new Map<unknown, string>();
  proto.writePage = async function (this: unknown, ...args: unknown[]) {
    const channel = (args[1] as { channel: string }).channel;
    const p = of(channel);
    const t = Date.now();
    const row = (await originals.writePage.apply(this, args)) as { members: number };
    const ms = Date.now() - t;
    if (!members.has(channel)) p.firstPageMs = ms;
    else {
      p.pagesMs += ms;
      p.pages++;
    }
    const before = members.get(channel) ?? 0;
    const after = before + row.members;
    members.set(channel, after);
    if (Math.floor(after / PROGRESS_EVERY) > Math.floor(before / PROGRESS_EVERY)) process.stdout.write(`[planning cost] ${channel}: ${after} members at ${started()} ms\n`);
    return row;
  };
  proto.shareAudience = async function (this: unknown, ...args: unknown[]) {
    const channel = (args[1] as { channel: string }).channel;
    const t = Date.now();
    channelOf.set(args[0], channel);
    try {
      return await originals.shareAudience.apply(this, args);
    } finally {
      of(channel).shareMs += Date.now() - t;
    }
  };
  proto.snapshotAudience = async function (this: unknown, ...args: unknown[]) {
    const channel = channelOf.get(args[0]) ?? '?';
    const t = Date.now();
    try {
      return await originals.snapshotAudience.apply(this, args);
    } finally {
      of(channel).buildMs += Date.now() - t;
    }
  };
  proto.plannedFromAudience = async function (this: unknown, ...args: unknown[]) {
    const t = Date.now();
    try {
      return await originals.plannedFromAudience.apply(this, args);
    } finally {
      of((args[1] as { channel: string }).channel).finishMs += Date.now() - t;
    }
  };
  return { phases, restore: () => Object.assign(proto, originals) };
}

class CountingBus implements MessageBus {
  published = 0;
  async publish(messages: OutgoingMessage[]): Promise<void> {
    this.published += messages.length;
  }
  async consume(): Promise<never> {
    throw new Error('not in this measurement');
  }
  async close(): Promise<void> {}
}

async function ensureDatabase(): Promise<void> {
  const u = new globalThis.URL(URL);
  const database = u.pathname.slice(1);
  if (!/^bin_alert_bench[a-z0-9_]*$/.test(database)) throw new Error(`refusing to use '${database}': scratch databases are named bin_alert_bench*`);
  u.pathname = '/postgres';
  const admin = new Client({ connectionString: u.toString() });
  await admin.connect();
  try {
    if (!(await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
}

/** Members 0…n-1, the benchmark's mix by residue instead of by draw: 85 % verified mobile, 2 % unverified, 90 % e-mail, 10 % landline, 3 % in two BINs, 8 % off SMS for prevention. */
async function seed(db: DataSource, n: number): Promise<void> {
  await db.query(`TRUNCATE deliveries, preferences, contact_points, memberships, members CASCADE`);
  await db.query(`CREATE TEMP TABLE seed AS SELECT n, gen_random_uuid() AS id FROM generate_series(0, $1::int - 1) n`, [n]);
  const bins = AALST_BINS.map((b) => b.id);
  await db.query(
    `INSERT INTO members (id, display_name, language) SELECT id, 'member ' || n, (ARRAY['nl','nl','nl','nl','nl','nl','nl','nl','nl','nl','nl','nl','nl','nl','fr','fr','fr','fr','de','en'])[1 + n % 20] FROM seed`,
  );
  await db.query(`INSERT INTO memberships (member_id, bin_id) SELECT id, ($1::text[])[1 + n % 14] FROM seed`, [bins]);
  await db.query(`INSERT INTO memberships (member_id, bin_id) SELECT id, ($1::text[])[1 + (n + 5) % 14] FROM seed WHERE n % 33 = 0`, [bins]);
  await db.query(
    `INSERT INTO contact_points (member_id, kind, value, verified_at) SELECT id, 'mobile', '+3247' || lpad(n::text, 8, '0'), CASE WHEN n % 100 < 85 THEN now() END FROM seed WHERE n % 100 < 87`,
  );
  await db.query(`INSERT INTO contact_points (member_id, kind, value, verified_at) SELECT id, 'email', 'member' || n || '@bench.example.be', now() FROM seed WHERE n % 10 <> 9`);
  await db.query(`INSERT INTO contact_points (member_id, kind, value, verified_at) SELECT id, 'phone', '+3253' || lpad(n::text, 8, '0'), now() FROM seed WHERE n % 10 = 4`);
  await db.query(`INSERT INTO preferences (member_id, category_code, channel, enabled) SELECT id, 'prevention', 'sms', false FROM seed WHERE n % 25 < 2`);
  await db.query(`INSERT INTO preferences (member_id, category_code, channel, enabled) SELECT id, 'covid', 'email', true FROM seed WHERE n % 20 < 3`);
  await db.query(`DROP TABLE seed`);
  await db.query('VACUUM ANALYZE');
}

/** CPU time (ms) of each PostgreSQL backend connected to the scratch database, by pid. */
async function backendCpuMs(db: DataSource): Promise<Map<number, number>> {
  const rows: Array<{ pid: number }> = await db.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  return new Map(rows.map(({ pid }) => [pid, cpuMsOf([{ pid }])]));
}

/** CPU spent by the backends between two readings: those that ended meanwhile (the pool closes idle connections) count what they had, those that began count all of theirs. */
function cpuDeltaMs(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/**
 * CPU time (ms) of the whole server: the postmaster, its live children and the children that have
 * ended (the kernel adds them to the postmaster's cutime/cstime). On a server of its own the
 * measurement's whole cost, writers and ended backends included; on a shared one, others' too.
 */
async function serverCpuMs(db: DataSource): Promise<number> {
  const [{ pid }] = await db.query(`SELECT pg_backend_pid() AS pid`);
  const postmaster = Number(statFields(pid)[1]);
  const fields = statFields(postmaster);
  let total = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * TICK_MS;
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const child = statFields(Number(entry));
      if (Number(child[1]) === postmaster) total += (Number(child[11]) + Number(child[12])) * TICK_MS;
    } catch {
      // a process that ended meanwhile
    }
  }
  return total;
}

/** /proc/<pid>/stat after the command name: [0] state, [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime. */
function statFields(pid: number): string[] {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
}

/** CPU time (ms) of the server's own writers (checkpointer, background writer, WAL writer), shared by every database on the server. */
async function writersCpuMs(db: DataSource): Promise<number> {
  return cpuMsOf(await db.query(`SELECT pid FROM pg_stat_activity WHERE backend_type IN ('checkpointer', 'background writer', 'walwriter')`));
}

/** The settings that decide how much writing planning's WAL costs (ADR 0066), as the server runs them. */
const PLANNING_SETTINGS = ['shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'synchronous_commit', 'full_page_writes', 'wal_compression'] as const;

async function serverSettings(db: DataSource): Promise<string> {
  const rows: Array<{ name: string; value: string }> = await db.query(`SELECT name, current_setting(name) AS value FROM pg_settings WHERE name = ANY($1) ORDER BY name`, [
    [...PLANNING_SETTINGS],
  ]);
  return rows.map((r) => `${r.name}=${r.value}`).join(' ');
}

/** The server-wide counters a run moves: WAL written, checkpoints (timed and requested by WAL volume), blocks read from outside shared buffers. */
async function serverCounters(db: DataSource): Promise<{ walBytes: number; checkpointsTimed: number; checkpointsRequested: number; blocksRead: number; blocksHit: number }> {
  const [row] = await db.query(
    `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 AS "walBytes", checkpoints_timed::int AS "checkpointsTimed", checkpoints_req::int AS "checkpointsRequested",
            (SELECT blks_read FROM pg_stat_database WHERE datname = current_database())::float8 AS "blocksRead",
            (SELECT blks_hit FROM pg_stat_database WHERE datname = current_database())::float8 AS "blocksHit"
       FROM pg_stat_bgwriter`,
  );
  return row;
}

function cpuMsOf(rows: Array<{ pid: number }>): number {
  let total = 0;
  for (const { pid } of rows) {
    try {
      const fields = statFields(pid);
      total += (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    } catch {
      // a backend that ended meanwhile
    }
  }
  return total;
}

(enabled ? describe : describe.skip)('planning cost (measurement)', () => {
  let db: DataSource;
  const context = { heartbeat: async () => undefined } as unknown as HandlerContext;

  beforeAll(async () => {
    await ensureDatabase();
    db = await openDataSource(URL, 8);
    await migrate(db);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM members`);
    if (n !== MEMBERS) {
      const started = Date.now();
      await seed(db, MEMBERS);
      process.stdout.write(`[planning cost] seeded ${MEMBERS} members in ${Date.now() - started} ms\n`);
    }
  }, 1_800_000);
  afterAll(async () => db?.destroy());

  it(`plans ${MEMBERS} members on three channels side by side, ${RUNS} times`, async () => {
    const settings = dispatchSettingsFrom(testConfig());
    for (let run = 1; run <= RUNS; run++) {
      await db.query(`TRUNCATE deliveries`);
      await db.query(`CHECKPOINT`);
      const event = await issuedAlert(
        db,
        AALST_BINS.map((b) => b.id),
      );
      await db.query('SELECT pg_stat_clear_snapshot()');
      const countersBefore = await serverCounters(db);
      const writersBefore = await writersCpuMs(db);
      const serverBefore = await serverCpuMs(db);
      const cpuBefore = await backendCpuMs(db);
      const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
      const started = Date.now();
      const timing = timePhases(() => Date.now() - started);
      const planner = (c: 'sms' | 'email' | 'voice') =>
        new AlertExpander(c, new CountingBus(), new AlertRepository(db), new ReferenceDataRepository(db), new PlanningRepository(db), settings);
      let summaries: ExpansionSummary[];
      try {
        summaries = await Promise.all((['sms', 'email', 'voice'] as const).map((c) => planner(c).expand(event, context)));
      } finally {
        timing.restore();
      }
      const wallMs = Date.now() - started;
      const cpuMs = cpuDeltaMs(cpuBefore, await backendCpuMs(db));
      const serverMs = (await serverCpuMs(db)) - serverBefore;
      const writersMs = (await writersCpuMs(db)) - writersBefore;
      await db.query('SELECT pg_stat_clear_snapshot()');
      const countersAfter = await serverCounters(db);
      const rows = summaries.reduce((a, s) => a + s.newRows, 0);
      const lines = summaries.map((s) => {
        const p = timing.phases.get(s.channel);
        const phases = p
          ? `; first page ${p.firstPageMs} ms, snapshot wait+build ${p.shareMs} ms (build ${p.buildMs}), ${p.pages} pages ${p.pagesMs} ms (${p.pages ? Math.round(p.pagesMs / p.pages) : 0} ms a page, ${p.pagesMs ? Math.round(s.newRows / (p.pagesMs / 1000)) : 0} rows/s), finish ${p.finishMs} ms, other ${s.planningMs - p.firstPageMs - p.shareMs - p.pagesMs - p.finishMs} ms`
          : '';
        return `${s.channel}: ${s.newRows} rows in ${s.planningMs} ms = ${Math.round(s.newRows / (s.planningMs / 1000))} rows/s, ${s.jobs} jobs${phases}`;
      });
      process.stdout.write(
        `\n[planning cost] run ${run}: ${MEMBERS} members, three channels side by side: ${wallMs} ms wall (load ${load}); PostgreSQL ${cpuMs} ms CPU = ${((cpuMs * 1000) / rows).toFixed(1)} µs per row; its writers ${writersMs} ms = ${((writersMs * 1000) / rows).toFixed(1)} µs per row; ` +
          `whole server ${serverMs} ms = ${((serverMs * 1000) / rows).toFixed(1)} µs per row; ` +
          `WAL ${((countersAfter.walBytes - countersBefore.walBytes) / 1e6).toFixed(0)} MB = ${((countersAfter.walBytes - countersBefore.walBytes) / rows).toFixed(0)} B per row; ` +
          `checkpoints ${countersAfter.checkpointsRequested - countersBefore.checkpointsRequested} requested + ${countersAfter.checkpointsTimed - countersBefore.checkpointsTimed} timed; ` +
          `blocks read ${countersAfter.blocksRead - countersBefore.blocksRead}, hit ${countersAfter.blocksHit - countersBefore.blocksHit}\n  ${await serverSettings(db)}\n  ${lines.join('\n  ')}\n`,
      );
      expect(summaries.every((s) => s.candidates === MEMBERS)).toBe(true);
    }
  }, 1_800_000);
});
