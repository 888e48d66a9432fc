import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { HandlerContext, MessageBus, OutgoingMessage } from '@bin-alert/messaging';
import { AALST_BINS, AlertRepository, PlanningRepository, ReferenceDataRepository, migrate, openDataSource } from '@bin-alert/persistence';
import { issuedAlert } from '../../../test/support/planned-alert';
import { testConfig } from '../../../bench/src/support/test-config';
import { AlertExpander } from './alert-expander';
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

/** CPU time (ms) of the PostgreSQL backends connected to the scratch database. */
async function backendCpuMs(db: DataSource): Promise<number> {
  const rows: Array<{ pid: number }> = await db.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  let total = 0;
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
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
      const cpuBefore = await backendCpuMs(db);
      const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
      const started = Date.now();
      const planner = (c: 'sms' | 'email' | 'voice') =>
        new AlertExpander(c, new CountingBus(), new AlertRepository(db), new ReferenceDataRepository(db), new PlanningRepository(db), settings);
      const summaries = await Promise.all((['sms', 'email', 'voice'] as const).map((c) => planner(c).expand(event, context)));
      const wallMs = Date.now() - started;
      const cpuMs = (await backendCpuMs(db)) - cpuBefore;
      const rows = summaries.reduce((a, s) => a + s.newRows, 0);
      const lines = summaries.map((s) => `${s.channel}: ${s.newRows} rows in ${s.planningMs} ms = ${Math.round(s.newRows / (s.planningMs / 1000))} rows/s, ${s.jobs} jobs`);
      process.stdout.write(
        `\n[planning cost] run ${run}: ${MEMBERS} members, three channels side by side: ${wallMs} ms wall (load ${load}); PostgreSQL ${cpuMs} ms CPU = ${((cpuMs * 1000) / rows).toFixed(1)} µs per row\n  ${lines.join('\n  ')}\n`,
      );
      expect(summaries.every((s) => s.candidates === MEMBERS)).toBe(true);
    }
  }, 1_800_000);
});
