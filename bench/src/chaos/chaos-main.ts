import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client, Pool } from 'pg';
import { CHANNELS } from '@bin-alert/domain';
import { withKafkaAdmin } from '@bin-alert/messaging';
import { accessTokenSettingsFrom, loadConfig, signAccessToken } from '@bin-alert/platform';
import { FlagDeclaration, FlagParsing, exitOnFlagProblems, flagUsage, readFlagList } from '../flags';
import { INSTANCE_PORT_STEP, waitForSenderGroups } from '../instances';
import { audienceSize } from '../measurements';
import { BenchAbort, ensurePortsFree, sleep } from '../processes';
import { MIX, normalAlertBins, resetBenchDatabase, seedMembers } from '../seeding';
import { CHAOS_PORTS, ChaosSystem, RECONCILE_SETTINGS } from './chaos-system';
import { ScenarioOutcome, acceptRateRecoveryMs, firstRowMs, measureOutcome, reconciliationsOpen, secondsSince, until, waitUntilFinal } from './outcome';
import { OwnKafka, OwnPostgres, OwnRedis } from './own-servers';
import { Fault, SCENARIOS, Scenario, ScenarioContext } from './scenarios';

const ROOT = resolve(__dirname, '../../../..');
const SEED_DB = 'bin_alert_bench_chaos_seed';
const CHAOS_DB = 'bin_alert_bench_chaos';

interface ChaosArgs {
  members: number;
  scenarios: Scenario[];
  stallTimeoutS: number;
  out: string;
}

const CHAOS_FLAGS: ReadonlyArray<FlagDeclaration<ChaosArgs>> = [
  { name: '--members', key: 'members', kind: 'int', arg: 'N', min: 100, max: 1_000_000, default: 20_000, help: "members seeded; every scenario's alert goes to all of them" },
  // []: all of them, once the flags are read.
  {
    name: '--scenario',
    key: 'scenarios',
    kind: 'text',
    arg: 'NAME',
    default: [],
    defaultHelp: 'all of them in order',
    help: 'run only this scenario (repeat, or a,b)',
    parse: namedScenarios,
  },
  { name: '--stall-timeout', key: 'stallTimeoutS', kind: 'int', arg: 'S', min: 30, default: 240, help: 'stop waiting when no delivery changes for S seconds' },
  { name: '--out', key: 'out', kind: 'text', arg: 'FILE', default: 'test-artifacts/chaos/latest.json', help: 'JSON result' },
];

const USAGE = flagUsage(
  'npm run chaos -- [options]',
  CHAOS_FLAGS,
  `Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}
Runs on servers of its own (PostgreSQL 127.0.0.1:${CHAOS_PORTS.postgres}, Redis ${CHAOS_PORTS.redis}, Kafka ${CHAOS_PORTS.kafka} and the
three-broker cluster ${CHAOS_PORTS.cluster}-${CHAOS_PORTS.cluster + 2}); never on the shared ones.`,
);

/** The scenarios named (a,b), added to those of an earlier --scenario, each once. */
function namedScenarios(text: string, { previous, problem }: FlagParsing<Scenario[]>): Scenario[] {
  const scenarios = [...previous];
  for (const name of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const s = SCENARIOS.find((x) => x.name === name);
    if (!s) problem(`--scenario: unknown '${name}' (known: ${SCENARIOS.map((x) => x.name).join(', ')})`);
    else if (!scenarios.includes(s)) scenarios.push(s);
  }
  return scenarios;
}

function parseArgs(argv: string[]): ChaosArgs {
  const { options: args, reading } = readFlagList(argv, CHAOS_FLAGS);
  exitOnFlagProblems('chaos', USAGE, reading);
  if (!args.scenarios.length) args.scenarios = [...SCENARIOS];
  return args;
}

interface ScenarioReport extends Partial<ScenarioOutcome> {
  title: string;
  error?: string;
  /** From the end of the fault until every delivery was final. */
  done_ms?: number;
  stalled?: boolean;
  /** Every callback posted and answered (its status applied, ADR 0041) before the measurement. */
  settled?: boolean;
  app_restarts?: Array<{ app: string; at_s: number; cause: string; exit: string }>;
  notes?: string[];
  wall_s?: number;
}

/** The scenario's apps, stopped on Ctrl-C with the servers. */
let running: ChaosSystem | null = null;

async function recreateDatabase(postgres: OwnPostgres): Promise<void> {
  const client = new Client({ connectionString: postgres.url('postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${CHAOS_DB} WITH (FORCE)`);
    // A copy of the seeded database: seconds instead of seeding again. The seeder's sessions may
    // take a moment to end, and a template must have none.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${CHAOS_DB} TEMPLATE ${SEED_DB}`);
        break;
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await sleep(500);
      }
    }
  } finally {
    await client.end();
  }
}

/** Waits until every dispatcher instance holds part of its channel's normal lane, so that a kill takes work from a live group. */
function texts(scenario: string) {
  return {
    nl: { title: `Oefening ${scenario}`, body: `Dit is een oefening (${scenario}). Sluit ramen en deuren en meld verdachte situaties via 101.` },
    fr: { title: `Exercice ${scenario}`, body: `Ceci est un exercice (${scenario}). Fermez portes et fenêtres et signalez toute situation suspecte au 101.` },
    de: { title: `Übung ${scenario}`, body: `Dies ist eine Übung (${scenario}). Schließen Sie Fenster und Türen und melden Sie Verdächtiges unter 101.` },
    en: { title: `Drill ${scenario}`, body: `This is a drill (${scenario}). Lock windows and doors and report anything suspicious on 101.` },
  };
}

async function runScenario(scenario: Scenario, args: ChaosArgs, servers: { postgres: OwnPostgres; redis: OwnRedis; kafka: OwnKafka }, logRoot: string): Promise<ScenarioReport> {
  const t0 = Date.now();
  const say = (m: string) => console.log(`[chaos] ${scenario.name} ${secondsSince(t0)} s  ${m}`);
  await recreateDatabase(servers.postgres);
  await servers.redis.flushAll();
  const { kafka } = servers;
  const system = new ChaosSystem({
    root: ROOT,
    logDir: join(logRoot, scenario.name),
    databaseUrl: servers.postgres.url(CHAOS_DB),
    redisUrl: servers.redis.url,
    brokers: kafka.brokers,
    replicationFactor: kafka.nodes >= 3 ? 3 : 1,
    minInsyncReplicas: kafka.nodes >= 3 ? 2 : 1,
    dispatcherInstances: scenario.dispatcherInstances,
  });
  const pool = new Pool({ connectionString: servers.postgres.url(CHAOS_DB), max: 2 });
  // PostgreSQL restarts under the runner too: a dropped idle connection is not an error of the run.
  pool.on('error', () => undefined);
  const notes: string[] = [];
  running = system;
  try {
    await system.start();
    say(`system up: ${system.names().join(', ')} (logs in ${join(logRoot, scenario.name)})`);
    if (!(await waitForSenderGroups(kafka.brokers, scenario.dispatcherInstances, 'bin-alert-chaos-probe')))
      notes.push(`not every dispatcher instance had joined its group after 90 s`);
    const bins = normalAlertBins(args.members, args.members);
    const audience = await audienceSize(pool, bins);
    const token = signAccessToken({ accountId: 'chaos-operator', role: 'operator', policeZone: 'aalst', binIds: [] }, accessTokenSettingsFrom(loadConfig(system.env)));
    const simUrl = `http://127.0.0.1:${CHAOS_PORTS.sim}`;
    const expectedSms = Math.round(audience * MIX.verifiedMobile * (1 - MIX.preventionSmsOptOut));
    const ctx: ScenarioContext = {
      system,
      pool,
      kafka,
      postgres: servers.postgres,
      redis: servers.redis,
      simUrl,
      say,
      async issueAlert() {
        const res = await fetch(`http://127.0.0.1:${CHAOS_PORTS.intake}/v1/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ category: 'prevention', urgency: 'normal', bins, texts: texts(scenario.name), redistributionAllowed: true }),
        });
        const answeredAt = Date.now();
        const json = (await res.json().catch(() => ({}))) as { id?: string };
        if (res.status !== 201 || !json.id) throw new BenchAbort(`intake refused the alert: ${res.status} ${JSON.stringify(json)}`);
        say(`alert ${json.id} to ${audience} members issued (${bins.length} BINs)`);
        return { id: json.id, answeredAt };
      },
      async waitForSms(alertId, share) {
        const target = Math.max(20, Math.floor(expectedSms * share));
        const ok = await until(
          async () => {
            const { rows } = await pool.query(`SELECT count(accepted_at)::int AS n FROM deliveries WHERE alert_id = $1 AND channel = 'sms'`, [alertId]);
            return rows[0].n >= target;
          },
          300_000,
          200,
        );
        if (!ok) throw new BenchAbort(`fewer than ${target} SMS accepted after 300 s: the fan-out did not get under way`);
        say(`${target}+ SMS accepted (${Math.round(share * 100)} % of ~${expectedSms}): fault now`);
      },
    };

    const fault: Fault = await scenario.run(ctx);
    notes.push(...fault.notes);
    const { doneAt, stalled } = await waitUntilFinal(pool, fault.alertId, audience, scenario.name, args.stallTimeoutS * 1000, t0);
    // Final states come with the callbacks: wait for the simulator to have posted them all and the
    // tracker to have answered them (it applies a status before it answers, ADR 0041).
    const simStats = async () => (await (await fetch(`${simUrl}/__sim/stats`)).json()) as Record<string, unknown> & { pendingCallbacks: number };
    const settled = await until(async () => (await simStats()).pendingCallbacks === 0, 180_000, 1000);
    if (!settled) notes.push('callbacks still pending or unanswered 180 s after the last delivery was final');
    if (RECONCILE_SETTINGS.RECONCILE_LOOKUPS_PER_SECOND !== '0') {
      // What the callbacks left open, the tracker's reconciliation looks up (ADR 0039): wait until
      // it has nothing left to ask (what it reports is applied as it is reported).
      const reconciled = await until(async () => (await reconciliationsOpen(pool, fault.alertId)) === 0, 600_000, 1000);
      if (!reconciled) notes.push(`${await reconciliationsOpen(pool, fault.alertId)} SMS and calls still open to the reconciliation 600 s after the callbacks settled`);
    }
    await sleep(1000);
    const recovery =
      fault.recovery.kind === 'accept-rate'
        ? await acceptRateRecoveryMs(pool, fault.alertId, fault.faultStart, fault.faultEnd)
        : fault.recovery.kind === 'first-row'
          ? await firstRowMs(pool, fault.alertId, fault.recovery.from)
          : fault.recovery.ms;
    const outcome = await measureOutcome(pool, fault.alertId, audience, await simStats(), recovery);
    say(`duplicates ${outcome.duplicates}, missing ${outcome.missing}, recovery ${recovery ?? '—'} ms, not final ${outcome.detail.not_final}`);
    return {
      title: scenario.title,
      ...outcome,
      done_ms: doneAt - fault.faultEnd,
      stalled,
      settled,
      app_restarts: system.restarts.map((r) => ({ app: r.app, at_s: Math.round((r.at - t0) / 100) / 10, cause: r.cause, exit: r.exit })),
      notes,
      wall_s: Math.round((Date.now() - t0) / 1000),
    };
  } catch (error) {
    console.error(`[chaos] ${scenario.name} failed: ${error instanceof BenchAbort ? error.message : (error as Error).stack}`);
    return {
      title: scenario.title,
      error: (error as Error).message,
      notes,
      app_restarts: system.restarts.map((r) => ({ app: r.app, at_s: Math.round((r.at - t0) / 100) / 10, cause: r.cause, exit: r.exit })),
      wall_s: Math.round((Date.now() - t0) / 1000),
    };
  } finally {
    await system.stop();
    running = null;
    await pool.end().catch(() => undefined);
  }
}

function printTable(results: Record<string, ScenarioReport>): void {
  const rows = Object.entries(results).map(([name, r]) => [
    name,
    r.error ? 'error' : `${r.duplicates} (${r.detail?.duplicates.at_simulator}/${r.detail?.duplicates.in_postgresql})`,
    r.error ? '' : `${r.missing} (${r.detail?.missing.at_simulator}/${r.detail?.missing.in_postgresql})`,
    r.recovery_ms === null || r.recovery_ms === undefined ? '—' : String(r.recovery_ms),
    r.done_ms === undefined ? '' : (r.done_ms / 1000).toFixed(1),
    r.detail ? String(r.detail.not_final) : '',
    r.detail ? String(r.detail.failed) : '',
    String(r.app_restarts?.filter((a) => a.cause === 'exited by itself').length ?? ''),
    String(r.wall_s ?? ''),
  ]);
  const head = ['scenario', 'duplicates (sim/pg)', 'missing (sim/pg)', 'recovery_ms', 'done_s', 'not final', 'failed', 'self-exits', 'wall_s'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  for (const [name, r] of Object.entries(results)) {
    if (r.error) console.log(`  ${name}: ERROR ${r.error.split('\n')[0]}`);
    if (r.final_states)
      console.log(
        `  ${name} final states: ${CHANNELS.map(
          (c) =>
            `${c} ${Object.entries(r.final_states![c])
              .map(([s, n]) => `${s} ${n}`)
              .join(', ')}`,
        ).join('; ')}`,
      );
  }
}

async function main(args: ChaosArgs): Promise<void> {
  const startedAt = new Date();
  const out = resolve(ROOT, args.out);
  const logRoot = join(dirname(out), 'logs');
  mkdirSync(logRoot, { recursive: true });
  await ensurePortsFree([
    { port: CHAOS_PORTS.intake, what: 'chaos intake' },
    { port: CHAOS_PORTS.tracker, what: 'chaos tracker' },
    { port: CHAOS_PORTS.sim, what: 'chaos provider-sim' },
    ...CHANNELS.flatMap((c) => [0, 1].map((i) => ({ port: CHAOS_PORTS.dispatcher[c] + i * INSTANCE_PORT_STEP, what: `chaos dispatcher-${c}` }))),
  ]);
  const postgres = new OwnPostgres(ROOT, CHAOS_PORTS.postgres);
  const redis = new OwnRedis(ROOT, CHAOS_PORTS.redis);
  const single = new OwnKafka(ROOT, 'single broker', 1, CHAOS_PORTS.kafka, '.local/chaos/kafka');
  const cluster = new OwnKafka(ROOT, 'three-broker cluster', 3, CHAOS_PORTS.cluster, '.local/chaos/kafka-cluster');
  const results: Record<string, ScenarioReport> = {};
  const report = () => ({
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    command: `npm run chaos -- ${process.argv.slice(2).join(' ')}`.trim(),
    members: args.members,
    machine: { cores: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version },
    settings: {
      DISPATCH_LEASE_MS: process.env.DISPATCH_LEASE_MS ?? '20000',
      KAFKA_SESSION_TIMEOUT_MS: process.env.KAFKA_SESSION_TIMEOUT_MS ?? '10000',
      TWILIO_MESSAGES_PER_SECOND: process.env.TWILIO_MESSAGES_PER_SECOND ?? '100000',
      SENDGRID_REQUESTS_PER_SECOND: process.env.SENDGRID_REQUESTS_PER_SECOND ?? '10000',
      TWILIO_CALLS_PER_SECOND: process.env.TWILIO_CALLS_PER_SECOND ?? '50',
    },
    scenarios: results,
  });
  const write = () => {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report(), null, 2)}\n`);
  };
  let stopping = false;
  const stopServers = async () => {
    if (stopping) return;
    stopping = true;
    for (const k of [single, cluster]) if (k.running) await k.stop().catch((e) => console.error(String(e)));
    await redis.stop().catch((e) => console.error(String(e)));
    await postgres.stop().catch((e) => console.error(String(e)));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      console.error(`\n[chaos] ${signal}: stopping the servers of the run…`);
      write();
      void (running?.stop() ?? Promise.resolve()).then(stopServers).finally(() => process.exit(130));
    });
  }
  try {
    console.log(`[chaos] ${args.scenarios.length} scenario(s), ${args.members} members each: ${args.scenarios.map((s) => s.name).join(', ')}`);
    await postgres.start();
    await redis.start();
    console.log(`[chaos] own PostgreSQL on 127.0.0.1:${postgres.port}, own Redis on ${redis.port}; seeding ${args.members} members…`);
    await resetBenchDatabase(postgres.url(SEED_DB));
    await seedMembers(postgres.url(SEED_DB), args.members, args.members, 5000);
    for (const scenario of args.scenarios) {
      const kafka = scenario.kafka === 'single' ? single : cluster;
      const other = kafka === single ? cluster : single;
      // One Kafka at a time: two would share two cores with the system under test.
      if (other.running) await other.stop();
      if (!kafka.running) {
        console.log(`[chaos] starting a fresh ${kafka.label} on ${kafka.brokers.join(',')}…`);
        await kafka.startFresh();
        // A fresh broker creates its offsets topic on the first group's request: until it has, a
        // consumer that starts crashes with "group coordinator not found" (the tracker's did).
        await until(
          () => withKafkaAdmin(kafka.brokers, async (admin) => (await admin.describeGroups(['bin-alert-chaos-probe'])).groups.length === 1, 'bin-alert-chaos-probe'),
          60_000,
          1000,
        );
      }
      console.log(`\n[chaos] === ${scenario.name}: ${scenario.title}`);
      results[scenario.name] = await runScenario(scenario, args, { postgres, redis, kafka }, logRoot);
      write();
    }
  } finally {
    await stopServers();
    write();
  }
  console.log(`\n[chaos] ${args.members} members per scenario; ${Math.round((Date.now() - startedAt.getTime()) / 1000)} s in all\n`);
  printTable(results);
  console.log(`\n[chaos] wrote ${out}`);
  const failed = Object.entries(results).filter(([, r]) => r.error || r.duplicates || r.missing);
  if (failed.length) {
    console.error(`[chaos] not met (0 duplicates, 0 missing, no error): ${failed.map(([n]) => n).join(', ')}`);
    process.exitCode = 1;
  }
}

main(parseArgs(process.argv.slice(2))).then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error instanceof BenchAbort ? `[chaos] ${error.message}` : `[chaos] failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
