import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Redis from 'ioredis';
import { Pool } from 'pg';
import { CHANNELS, Channel } from '@bin-alert/domain';
import { TRACKER_WEBHOOK_PATHS } from '@bin-alert/providers';
import { accessTokenSettingsFrom, loadConfig, signAccessToken } from '@bin-alert/platform';
import { BenchArgs, parseArgs } from './args';
import type { CeilingResult } from './ceiling';
import { acceptChart } from './chart';
import { caughtUpMs, costPerDelivery, quarterRates } from './cost';
import { BENCH_CLIENT_ID, NeighbourGuard, groupLag, totalLag } from './kafka-guard';
import {
  IssuedAlert,
  acceptSeries,
  audienceSize,
  benchBackendPids,
  channelResult,
  deliveryColumns,
  lastFinalAt,
  planningTimes,
  smsAcceptTimes,
  urgentUnderBacklog,
  waitForAcceptedSms,
  waitForSettled,
  waitUntilDone,
} from './measurements';
import {
  AppSpec,
  BenchAbort,
  PostgresNeighbours,
  ProcessSampler,
  RunningApp,
  cpuBetween,
  cpuSnapshot,
  ensurePortsFree,
  entryExists,
  nodeOptionsOf,
  sleep,
  startApp,
  stopApps,
  tail,
  waitReady,
} from './processes';
import { dispatcherInstanceSpecs, instanceName, instanceShares, waitForSenderGroups } from './instances';
import { profileSummaries } from './profile';
import { BenchResult, evaluateTargets, printTable, ratio, writeResult } from './report';
import { MIX, normalAlertBins, resetBenchDatabase, seedMembers } from './seeding';

const ROOT = resolve(__dirname, '../../..');
const DEFAULT_BENCH_DB = 'postgres://postgres@127.0.0.1:5432/bin_alert_bench';

const NORMAL_TEXTS = {
  nl: { title: 'Preventie: inbraken in de winter', body: 'Het wordt vroeg donker. Doe de lichten aan als u weggaat, sluit ramen en deuren en meld verdachte situaties via 101.' },
  fr: {
    title: 'Prévention : cambriolages en hiver',
    body: 'Il fait nuit tôt. Laissez une lumière allumée, fermez portes et fenêtres et signalez toute situation suspecte au 101.',
  },
  de: { title: 'Prävention: Einbrüche im Winter', body: 'Es wird früh dunkel. Lassen Sie Licht brennen, schließen Sie Fenster und Türen und melden Sie Verdächtiges unter 101.' },
  en: { title: 'Prevention: winter burglaries', body: 'It gets dark early. Leave a light on, lock windows and doors and report anything suspicious on 101.' },
};
const URGENT_TEXTS = {
  nl: { title: 'Vermiste jongen', body: 'Lucas (8) draagt een rode jas en blauwe muts. Gezien bij het station. Bel 101.' },
  fr: { title: 'Garçon disparu', body: 'Lucas (8 ans) porte une veste rouge et un bonnet bleu. Vu près de la gare. Appelez le 101.' },
};

let running: RunningApp[] = [];
let stopping: Promise<void> | null = null;

function stopEverything(): Promise<void> {
  stopping ??= stopApps(running);
  return stopping;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n[bench] ${signal}: stopping the apps…`);
    void stopEverything().finally(() => process.exit(130));
  });
}

/** The benchmark issues its alerts as an operator of zone Aalst, signed with the configured key. */
const operatorToken = signAccessToken({ accountId: 'bench-operator', role: 'operator', policeZone: 'aalst', binIds: [] }, accessTokenSettingsFrom(loadConfig()));

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown>; ms: number }> {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorToken}` }, body: JSON.stringify(body) });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, json, ms: Math.round(performance.now() - started) };
}

async function issueAlert(
  intakeUrl: string,
  pool: Pool,
  label: 'normal' | 'urgent',
  request: { category: string; urgency: string; bins: string[]; texts: unknown; redistributionAllowed: boolean },
  audience: number,
): Promise<IssuedAlert & { http201Ms: number }> {
  const res = await post(`${intakeUrl}/v1/alerts`, request);
  const answeredAt = new Date();
  if (res.status !== 201 || typeof res.json.id !== 'string') throw new BenchAbort(`intake refused the ${label} alert: ${res.status} ${JSON.stringify(res.json)}`);
  const { rows } = await pool.query('SELECT issued_at FROM alerts WHERE id = $1', [res.json.id]);
  return { id: res.json.id, label, bins: request.bins, audience, issuedAt: rows[0].issued_at, answeredAt, http201Ms: res.ms };
}

interface SimStats {
  pendingCallbacks: number;
  [channel: string]: unknown;
}

async function simStats(simUrl: string): Promise<SimStats> {
  const res = await fetch(`${simUrl}/__sim/stats`);
  if (!res.ok) throw new Error(`GET /__sim/stats answered ${res.status}`);
  return (await res.json()) as SimStats;
}

async function flushRateLimits(redisUrl: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'bin:ratelimit:*', 'COUNT', 500);
      cursor = next;
      if (keys.length) removed += await redis.del(...keys);
    } while (cursor !== '0');
    return removed;
  } finally {
    redis.disconnect();
  }
}

function runCeiling(options: object, env: NodeJS.ProcessEnv): Promise<{ result: CeilingResult; pid: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'ceiling-main.js'), JSON.stringify(options)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new BenchAbort(`the ceiling process exited with ${code}`));
      try {
        resolvePromise({ result: JSON.parse(out.trim().split('\n').pop() ?? ''), pid: child.pid ?? 0 });
      } catch (error) {
        reject(new Error(`the ceiling process printed no result: ${String(error)}; output: ${out.slice(0, 500)}`));
      }
    });
  });
}

function machine(): BenchResult['machine'] {
  return { cores: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30), cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version };
}

async function main(args: BenchArgs): Promise<void> {
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  const startedAt = new Date().toISOString();
  const notes: string[] = [];
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? DEFAULT_BENCH_DB;
  const resultsDir = resolve(ROOT, dirname(args.out));
  const logDir = join(resultsDir, 'logs');
  const profileDir = join(resultsDir, 'profiles');

  // Never real providers: the benchmark sends hundreds of thousands of messages.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const secret of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'SENDGRID_API_KEY']) {
    if (env[secret]) console.warn(`[bench] ignoring ${secret}: the benchmark only ever talks to the provider simulator`);
    delete env[secret];
  }
  const base = loadConfig(env);
  const simPort = base.SIM_PORT;
  const simUrl = `http://127.0.0.1:${simPort}`;
  const trackerEntry = join(ROOT, 'dist/apps/tracker/src/main.js');
  const withTracker = entryExists(trackerEntry) && !args.noTracker;
  const trackerUrl = `http://127.0.0.1:${base.TRACKER_PORT}`;

  Object.assign(env, {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    LOG_FORMAT: 'json',
    KAFKA_CLIENT_ID: BENCH_CLIENT_ID,
    PROVIDER_SIM_URL: simUrl,
    SIM_PORT: String(simPort),
    TRACKER_PUBLIC_URL: trackerUrl,
    // Throughput phase: the provider limits are lifted for SMS and e-mail, so that what is
    // measured is the system, not a configured number. Calls keep a realistic account limit.
    TWILIO_MESSAGES_PER_SECOND: process.env.TWILIO_MESSAGES_PER_SECOND ?? '100000',
    SENDGRID_REQUESTS_PER_SECOND: process.env.SENDGRID_REQUESTS_PER_SECOND ?? '10000',
    TWILIO_CALLS_PER_SECOND: process.env.TWILIO_CALLS_PER_SECOND ?? String(args.callsPerSecond),
  });
  if (withTracker) {
    env.SIM_SENDGRID_EVENT_WEBHOOK_URL = `${trackerUrl}${TRACKER_WEBHOOK_PATHS.sendGridEvents}`;
  }
  const config = loadConfig(env);
  const settings = {
    DISPATCH_PAGE_SIZE: config.DISPATCH_PAGE_SIZE,
    DISPATCH_JOB_SIZE: config.DISPATCH_JOB_SIZE,
    DISPATCH_EMAIL_JOB_SIZE: config.DISPATCH_EMAIL_JOB_SIZE,
    DISPATCH_SEND_CONCURRENCY: config.DISPATCH_SEND_CONCURRENCY,
    DISPATCH_LEASE_MS: config.DISPATCH_LEASE_MS,
    DATABASE_POOL_SIZE: config.DATABASE_POOL_SIZE,
    TWILIO_MESSAGES_PER_SECOND: config.TWILIO_MESSAGES_PER_SECOND,
    TWILIO_CALLS_PER_SECOND: config.TWILIO_CALLS_PER_SECOND,
    SENDGRID_REQUESTS_PER_SECOND: config.SENDGRID_REQUESTS_PER_SECOND,
    KAFKA_PARTITIONS_JOBS_URGENT: config.KAFKA_PARTITIONS_JOBS_URGENT,
    KAFKA_PARTITIONS_JOBS_NORMAL: config.KAFKA_PARTITIONS_JOBS_NORMAL,
    instances: args.instances,
    ceiling_messages: args.ceilingMessages,
    ceiling_concurrency: args.ceilingConcurrency,
  };
  console.log(`[bench] ${args.members} members, normal alert to ${args.normalMembers}, urgent alert to ${args.urgentBins.join(',')}; settings ${JSON.stringify(settings)}`);

  // 1. Nobody else may be consuming the dispatch groups, or listening where the apps will.
  const dist = (app: string) => join(ROOT, `dist/apps/${app}/src/main.js`);
  const dispatcherPorts = { sms: config.DISPATCHER_SMS_PORT, email: config.DISPATCHER_EMAIL_PORT, voice: config.DISPATCHER_VOICE_PORT };
  // One instance keeps the app's own name (the keys of earlier results); several are dispatcher-sms-a, -b…
  const dispatcherSpecs = () => dispatcherInstanceSpecs(dist, dispatcherPorts, args.instances, env, (c, i) => (args.instances === 1 ? `dispatcher-${c}` : instanceName(c, i)));
  const jobPartitions = Math.min(config.KAFKA_PARTITIONS_JOBS_NORMAL, config.KAFKA_PARTITIONS_JOBS_URGENT);
  if (args.instances > jobPartitions) notes.push(`--instances ${args.instances} exceeds the jobs topics' ${jobPartitions} partitions: the instances beyond get no jobs`);
  await ensurePortsFree([
    { port: config.INTAKE_PORT, what: 'intake' },
    ...dispatcherSpecs().map((d) => ({ port: d.spec.port, what: d.spec.name })),
    { port: config.TRACKER_PORT, what: 'tracker' },
    { port: simPort, what: 'provider-sim' },
  ]);
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  // idleTimeoutMillis 0: the benchmark's backends live through the run, so that their CPU (the
  // benchmark's queries) can be told apart from the system's PostgreSQL work by pid.
  const guardPool = new Pool({ connectionString: adminUrl.toString(), max: 1, idleTimeoutMillis: 0, application_name: 'bin-alert-bench-guard' });
  const guard = new NeighbourGuard(config.KAFKA_BROKERS, guardPool);
  await guard.connect();
  await guard.waitForQuiet(args.waitForOthersS * 1000);
  const flushed = await flushRateLimits(config.REDIS_URL);
  console.log(`[bench] redis: ${flushed} rate-limit keys (bin:ratelimit:*) removed`);

  // 2. Own database, fresh schema, seeded members.
  let t = Date.now();
  await resetBenchDatabase(databaseUrl);
  const seedMs = await seedMembers(databaseUrl, args.members, args.normalMembers, args.seedBatch);
  timings.seeding_s = Math.round(seedMs / 100) / 10;
  timings.database_s = Math.round((Date.now() - t) / 100) / 10;
  const pool = new Pool({ connectionString: databaseUrl, max: 2, idleTimeoutMillis: 0, application_name: 'bin-alert-bench' });
  const normalBins = normalAlertBins(args.normalMembers, args.members);
  const normalAudience = await audienceSize(pool, normalBins);
  const urgentAudience = await audienceSize(pool, args.urgentBins);
  const columns = await deliveryColumns(pool);

  // 3. The system, one process per app, from dist.
  await guard.waitForQuiet(args.waitForOthersS * 1000);
  t = Date.now();
  const nodeArgsFor = ({ name, entry }: AppSpec): string[] => {
    const out = nodeOptionsOf(ROOT, entry);
    // The simulator's heap is bounded by its retention window plus what each message's callbacks
    // still to come keep (ADRs 0061, 0066 and 0054, measured: ~145 bytes per pending SMS, ~70-84 per
    // pending e-mail recipient). The cap fails the run loudly (out of memory) if what a message
    // keeps grows again; 512 MB was too little at 1,000,000 members while the e-mail events waited
    // for the tracker (docs/benchmarks.md, 2026-12-07 08:40; 10:15 measures what those holders add up to).
    if (name === 'provider-sim') out.push('--max-old-space-size=1024');
    if (args.cpuProf) {
      mkdirSync(profileDir, { recursive: true });
      out.push('--prof', '--no-logfile-per-isolate', `--logfile=${join(profileDir, `${name}.v8.log`)}`);
    }
    return out;
  };
  for (const entry of [dist('intake'), ...CHANNELS.map((c) => dist(`dispatcher-${c}`))]) if (!entryExists(entry)) throw new BenchAbort(`${entry} is missing: run npm run build`);

  let trackerRunning = false;
  if (withTracker) {
    const trackerSpec: AppSpec = { name: 'tracker', entry: trackerEntry, readyUrl: `${trackerUrl}/health/ready`, port: config.TRACKER_PORT };
    const tracker = startApp(trackerSpec, env, logDir, nodeArgsFor(trackerSpec));
    running.push(tracker);
    try {
      await waitReady(tracker, 60_000);
      trackerRunning = true;
    } catch (error) {
      console.warn(`[bench] the tracker did not start; running without it (no delivered times): ${(error as Error).message}`);
      notes.push('tracker present in dist but failed to start: no delivered_at measurements');
      running = running.filter((a) => a !== tracker);
      await stopApps([tracker]);
      delete env.SIM_SENDGRID_EVENT_WEBHOOK_URL;
    }
  }
  if (!trackerRunning) {
    // Callbacks would go to a closed port: one attempt each, no retries, keeps the simulator's work comparable.
    env.SIM_CONFIG = JSON.stringify({ callbackRetry: { enabled: false } });
    if (!withTracker)
      notes.push(
        args.noTracker
          ? 'run with --no-tracker: provider callbacks go nowhere (one attempt each), no delivered_at measurements'
          : 'no tracker in dist (dist/apps/tracker/src/main.js): no delivered_at measurements',
      );
  }
  const simSpec: AppSpec = { name: 'provider-sim', entry: dist('provider-sim'), readyUrl: `${simUrl}/__sim/stats`, port: simPort };
  const sim = startApp(simSpec, env, logDir, nodeArgsFor(simSpec));
  running.push(sim);
  await waitReady(sim);
  const specs: Array<{ spec: AppSpec; env: NodeJS.ProcessEnv }> = [
    { spec: { name: 'intake', entry: dist('intake'), readyUrl: `http://127.0.0.1:${config.INTAKE_PORT}/health/ready`, port: config.INTAKE_PORT }, env },
    ...dispatcherSpecs(),
  ];
  const apps = specs.map((s) => startApp(s.spec, s.env, logDir, nodeArgsFor(s.spec)));
  running.push(...apps);
  await Promise.all(apps.map((a) => waitReady(a)));
  if (args.instances > 1 && !(await waitForSenderGroups(config.KAFKA_BROKERS, args.instances, `${BENCH_CLIENT_ID}-groups`))) {
    notes.push(`not every one of the ${args.instances} instances held partitions of its senders' group 90 s after start-up: shares are uneven for that reason`);
  }
  timings.startup_s = Math.round((Date.now() - t) / 100) / 10;
  console.log(`[bench] apps ready in ${timings.startup_s} s: ${running.map((a) => `${a.name} (pid ${a.pid})`).join(', ')}; logs in ${logDir}`);

  // Old records from earlier runs (their alerts and deliveries are not in this database) are
  // skipped first, so that they neither delay nor load the measured run.
  for (let lag = totalLag(await groupLag(config.KAFKA_BROKERS)), waited = 0; lag > 0; waited++) {
    if (waited >= 300) throw new BenchAbort(`the apps still have ${lag} records of earlier runs to skip after 300 s`);
    if (waited % 10 === 0) console.log(`[bench] the apps skip ${lag} records left by earlier runs…`);
    await sleep(1000);
    lag = totalLag(await groupLag(config.KAFKA_BROKERS));
  }

  // Neighbours who arrive during the run spoil it (and are spoilt by it): stop soon. Every 10 s,
  // not 2: each look is a describe of every group and an offsets request per topic, and the
  // broker's CPU for them counts as the system's (ADR 0052 counted the runner's looks at 23 % of
  // the broker's requests in a 20,000-member run).
  let disturbance: string | null = null;
  const testActivity = new Set<string>();
  await guard.interference(); // baseline of the topics' end offsets
  const watchdog = setInterval(() => {
    guard.interference().then(
      (found) => {
        if (found.length && !disturbance) disturbance = found.join('; ');
      },
      () => undefined,
    );
    guard.testActivity().then(
      (found) => {
        for (const f of found) testActivity.add(f.replace(/^\d+ connections? to /, 'connections to '));
      },
      () => undefined,
    );
  }, 10_000);
  watchdog.unref();
  const alive = () => {
    const dead = running.find((a) => a.exited);
    if (dead) throw new BenchAbort(`${dead.name} exited (${JSON.stringify(dead.exited)}); last lines of ${dead.log}:\n${tail(dead.log)}`);
    if (disturbance) {
      throw new BenchAbort(
        `another user of the broker appeared during the run: ${disturbance}. The run is void (a test run deletes the topics, another dispatcher takes jobs); run the benchmark again when it is done.`,
      );
    }
  };

  // 4. The scenario: a large normal alert, then an urgent one once the normal backlog is being sent.
  let normalStart = 0;
  const sampler = new ProcessSampler(running, () => normalStart);
  sampler.start();
  const neighbours = new PostgresNeighbours(new URL(databaseUrl).pathname.slice(1));
  neighbours.start();
  const cpuA = cpuSnapshot(running, { 'bench-runner': process.pid }, await benchBackendPids(pool), neighbours);
  const intakeUrl = `http://127.0.0.1:${config.INTAKE_PORT}`;
  t = Date.now();
  normalStart = Date.now();
  const normal = await issueAlert(
    intakeUrl,
    pool,
    'normal',
    { category: 'prevention', urgency: 'normal', bins: normalBins, texts: NORMAL_TEXTS, redistributionAllowed: true },
    normalAudience,
  );
  console.log(`[bench] normal alert ${normal.id} (prevention, ${normalBins.length} BINs, ${normalAudience} members) issued; 201 in ${normal.http201Ms} ms`);
  // A tenth of its expected SMS audience at most, so that a small run still has a backlog.
  const expectedSms = Math.round(normalAudience * MIX.verifiedMobile * (1 - MIX.preventionSmsOptOut));
  const urgentAfter = Math.max(1, Math.min(args.urgentAfterSms, Math.floor(expectedSms / 10)));
  await waitForAcceptedSms(pool, normal, urgentAfter, alive, Math.max(180_000, args.stallTimeoutS * 1000));
  const urgent = await issueAlert(
    intakeUrl,
    pool,
    'urgent',
    { category: 'missing_person', urgency: 'urgent', bins: args.urgentBins, texts: URGENT_TEXTS, redistributionAllowed: false },
    urgentAudience,
  );
  console.log(
    `[bench] urgent alert ${urgent.id} (missing_person, ${args.urgentBins.join(',')}, ${urgentAudience} members) issued after ${urgentAfter}+ normal SMS accepted; 201 in ${urgent.http201Ms} ms`,
  );
  await waitUntilDone(pool, [normal, urgent], alive, args.stallTimeoutS * 1000);
  timings.scenario_s = Math.round((Date.now() - t) / 100) / 10;
  const cpuB = cpuSnapshot(running, { 'bench-runner': process.pid }, await benchBackendPids(pool), neighbours);

  // The status callbacks of the last deliveries are still on their way: the cost of a delivery
  // includes them, so the cost window ends when the simulator has no callback left to send or
  // waiting for its answer. The tracker answers a callback once its status is applied (ADR 0041).
  const doneAt = Date.now();
  const finalAt = (await lastFinalAt(pool, [normal, urgent]))?.getTime() ?? doneAt;
  const settled = await waitForSettled(async () => (await simStats(simUrl)).pendingCallbacks, alive, args.trackerWaitS * 1000);
  const cpuC = cpuSnapshot(running, { 'bench-runner': process.pid }, await benchBackendPids(pool), neighbours);
  neighbours.stop();
  clearInterval(watchdog);
  await guard.close();
  await guardPool.end();
  if (testActivity.size) notes.push(`test activity during the run (results may be disturbed: shared CPU): ${[...testActivity].join('; ')}`);
  if (settled.pendingLeft > 0)
    notes.push(
      `the simulator still had ${settled.pendingLeft} callbacks to send or waiting for the tracker's answer ${args.trackerWaitS} s after the last delivery was final${trackerRunning ? ': delivered counts are incomplete' : ''}`,
    );
  const trackerLag = { at_done: null as number | null, catch_up_s: null as number | null, left: null as number | null, caught_up_ms: null as number | null };
  if (trackerRunning) {
    trackerLag.at_done = settled.pendingAtFirstLook;
    trackerLag.catch_up_s = Math.round(((settled.caughtUpAt ?? cpuC.at) - doneAt) / 100) / 10;
    trackerLag.left = settled.pendingLeft;
    trackerLag.caught_up_ms = caughtUpMs(finalAt, settled.firstLookCaughtUp, settled.caughtUpAt);
  }
  const peakRss = sampler.peakRssMb();
  sampler.stop();
  const cpu = cpuBetween(cpuA, cpuB);
  const costCpu = cpuBetween(cpuA, cpuC, 2);
  const stats = await simStats(simUrl);

  // 5. Measurements, from PostgreSQL and the simulator.
  const hasDeliveredAt = columns.has('delivered_at');
  const results = {} as Record<Channel, Awaited<ReturnType<typeof channelResult>>>;
  for (const c of CHANNELS) results[c] = await channelResult(pool, [normal, urgent], c, hasDeliveredAt && trackerRunning);
  const planning = await planningTimes(pool, normal);
  const lastRows = CHANNELS.map((c) => planning[c].last_row_ms).filter((v): v is number => v !== null);
  const planningMs = lastRows.length ? Math.max(...lastRows) : null;
  const urgentResult = await urgentUnderBacklog(pool, normal, urgent);
  const shares = await instanceShares(pool, [normal, urgent], new Map(running.filter((a) => a.name.startsWith('dispatcher-')).map((a) => [a.pid, a.name])));
  const series = await acceptSeries(pool, normal, urgent);

  const simAccepted = {} as Record<Channel, number>;
  const simDuplicates = {} as Record<Channel, number>;
  const simRejected = {} as Record<Channel, Record<string, number>>;
  const simLimited = {} as Record<Channel, number>;
  let missing = 0;
  let unrecorded = 0;
  for (const c of CHANNELS) {
    const s = stats[c] as { accepted: number; duplicates: number; rejected: Record<string, number>; rateLimited: number };
    simAccepted[c] = s.accepted;
    simDuplicates[c] = s.duplicates;
    simRejected[c] = s.rejected;
    simLimited[c] = s.rateLimited;
    const distinct = s.accepted - s.duplicates;
    missing += Math.max(0, results[c].accepted - distinct);
    unrecorded += Math.max(0, distinct - results[c].accepted);
  }
  const duplicates = CHANNELS.reduce((sum, c) => sum + simDuplicates[c], 0);
  const accepted = CHANNELS.reduce((sum, c) => sum + results[c].accepted, 0);
  const cost = costPerDelivery(costCpu.cpuS, accepted, costCpu.wallS, cpus().length, costCpu.machineBusyS);
  // Other engineers' work on the same machine slows the system without showing in its CPU-ms;
  // the share says how far the run's speed figures can be trusted.
  const otherShare = cost.unattributed_cpu_s / (cost.window_s * cpus().length);
  if (otherShare > 0.1)
    notes.push(
      `processes outside the run used ${cost.unattributed_cpu_s} CPU-s (${Math.round(otherShare * 100)}% of the machine) during the cost window: throughput and latencies are under contention, and what the apps spend per second whatever the load (polling, heartbeats) weighs more per delivery`,
    );
  const quarters = quarterRates(await smsAcceptTimes(pool, [normal, urgent]));
  const sinceIssue = (ms: number) => Math.round((ms - normal.issuedAt.getTime()) / 100) / 10;
  const sms = {
    ...results.sms,
    late_vs_early_rate: quarters?.late_vs_early ?? null,
    rate_quarters: quarters
      ? {
          early: { from_s: sinceIssue(quarters.early.from_ms), to_s: sinceIssue(quarters.early.to_ms), accepted: quarters.early.accepted, per_s: quarters.early.per_s },
          late: { from_s: sinceIssue(quarters.late.from_ms), to_s: sinceIssue(quarters.late.to_ms), accepted: quarters.late.accepted, per_s: quarters.late.per_s },
        }
      : null,
  };

  // 6. The ceiling: the same SDK calls from one bare process, against the same simulator.
  await stopApps(running.filter((a) => a !== sim));
  t = Date.now();
  let ceiling: CeilingResult | null = null;
  let simCeilingCpu: number | null = null;
  try {
    console.log(
      `[bench] ceiling: ${args.ceilingMessages} SMS (${args.ceilingConcurrency} in flight) and ${args.ceilingMessages} e-mail recipients (batches of 1000) from one process…`,
    );
    const before = cpuSnapshot([sim]);
    const { result } = await runCeiling(
      {
        simUrl,
        messages: args.ceilingMessages,
        concurrency: args.ceilingConcurrency,
        content: { alertId: normal.id, urgency: 'normal', redistributionAllowed: true, texts: NORMAL_TEXTS },
      },
      env,
    );
    const after = cpuSnapshot([sim]);
    simCeilingCpu = Math.round((after.apps['provider-sim'] - before.apps['provider-sim']) * 10) / 10;
    ceiling = result;
    if (result.sms_accepted_at_sim !== args.ceilingMessages - result.sms_errors)
      notes.push(`ceiling: the simulator counted ${result.sms_accepted_at_sim} SMS for ${args.ceilingMessages - result.sms_errors} sent`);
  } catch (error) {
    console.error(`[bench] ceiling failed: ${(error as Error).message}`);
    notes.push(`ceiling failed: ${(error as Error).message}`);
  }
  timings.ceiling_s = Math.round((Date.now() - t) / 100) / 10;
  await stopEverything();
  await pool.end();
  timings.total_s = Math.round((Date.now() - t0) / 100) / 10;

  for (const c of ['sms', 'email'] as const) results[c].vs_ceiling = ratio(results[c].throughput_per_s, ceiling?.[`${c}_throughput_per_s`]);
  if (!hasDeliveredAt) notes.push('deliveries.delivered_at does not exist in this schema: delivered latencies are null');
  if (urgentResult.first_row_ms_by_channel.sms !== null && urgentResult.first_row_ms_by_channel.sms > 1000) {
    notes.push(
      `the urgent alert's first SMS delivery row was written ${urgentResult.first_row_ms_by_channel.sms} ms after its issue: its expansion waits on the alerts consumer behind the normal alert's`,
    );
  }
  // Planning speed from the first to the last row (the fixed start-up cost — outbox poll, Kafka
  // hand-over — does not grow with the audience), per channel; the slowest one counts.
  const rates = CHANNELS.map((c) => planning[c])
    .filter((p) => p.first_row_ms !== null && p.last_row_ms !== null && p.last_row_ms > p.first_row_ms)
    .map((p) => ({ rate: p.rows / ((p.last_row_ms! - p.first_row_ms!) / 1000), first: p.first_row_ms! }));
  const slowest = rates.length ? rates.reduce((a, b) => (a.rate < b.rate ? a : b)) : null;
  const result: BenchResult = {
    members: args.members,
    normal_members: normalAudience,
    urgent_bins: args.urgentBins,
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: machine(),
    settings,
    alerts: {
      normal: { id: normal.id, category: 'prevention', bins: normalBins.length, audience: normalAudience, issued_at: normal.issuedAt.toISOString(), http_201_ms: normal.http201Ms },
      urgent: {
        id: urgent.id,
        category: 'missing_person',
        bins: args.urgentBins.length,
        audience: urgentAudience,
        issued_at: urgent.issuedAt.toISOString(),
        http_201_ms: urgent.http201Ms,
      },
    },
    planning_ms: planningMs,
    planning,
    planning_members_per_s: slowest ? Math.round(slowest.rate) : null,
    planning_extrapolated_1m_ms: slowest ? Math.round(slowest.first + (1_000_000 / slowest.rate) * 1000) : null,
    sms,
    email: results.email,
    voice: results.voice,
    urgent_under_backlog: urgentResult,
    instances: { per_dispatcher: args.instances, shares },
    ceiling,
    duplicates,
    missing,
    unrecorded,
    simulator: { accepted: simAccepted, duplicates: simDuplicates, rejected: simRejected, rate_limited: simLimited, pending_callbacks: stats.pendingCallbacks },
    peak_rss_mb: { ...peakRss, ...(ceiling ? { ceiling: ceiling.process_peak_rss_mb } : {}) },
    cpu_s: { ...cpu.cpuS, ...(ceiling ? { ceiling: ceiling.process_cpu_s, 'provider-sim (ceiling)': simCeilingCpu ?? 0 } : {}) },
    cpu_core_share: cpu.coreShare,
    machine_busy: cpu.machineBusy,
    timings_s: timings,
    tracker: {
      running: trackerRunning,
      projection_lag_at_done: trackerLag.at_done,
      projection_catch_up_s: trackerLag.catch_up_s,
      projection_lag_left: trackerLag.left,
      caught_up_ms: trackerLag.caught_up_ms,
    },
    cost,
    targets: [],
    notes,
  };
  result.targets = evaluateTargets(result);

  console.log(`\n[bench] results (${result.members} members, ${result.machine.cores} cores; scenario ${timings.scenario_s} s, total ${timings.total_s} s)\n`);
  printTable(result.targets);
  console.log(
    `\n  CPU during the scenario (${cpu.wallS.toFixed(0)} s, machine ${Math.round(cpu.machineBusy * 100)}% busy), seconds and share of one core:\n  ` +
      Object.entries(cpu.cpuS)
        .sort((a, b) => b[1] - a[1])
        .map(([n, s]) => `${n} ${s} s (${cpu.coreShare[n]})`)
        .join(', '),
  );
  console.log(
    `  CPU-ms per accepted delivery (${cost.accepted_deliveries} deliveries, ${cost.window_s} s from the first alert to the last callback projected): ` +
      `system ${cost.system_cpu_ms_per_delivery}, world ${cost.world_cpu_ms_per_delivery}; ` +
      Object.entries(cost.by_process_cpu_ms_per_delivery)
        .map(([n, v]) => `${n} ${v}`)
        .join(', ') +
      `; simulator ${cost.simulator_cpu_share === null ? '?' : Math.round(cost.simulator_cpu_share * 1000) / 10}% of the machine`,
  );
  console.log(
    `  peak RSS MB: ${Object.entries(result.peak_rss_mb)
      .map(([n, v]) => `${n} ${v}`)
      .join(', ')}`,
  );
  for (const n of notes) console.log(`  note: ${n}`);

  const out = resolve(ROOT, args.out);
  const copy = writeResult(out, result);
  const svg = join(
    dirname(out),
    `${
      args.out.endsWith('latest.json')
        ? 'latest'
        : out
            .replace(/\.json$/, '')
            .split('/')
            .pop()
    }.svg`,
  );
  const costLine = `CPU per accepted delivery: system ${cost.system_cpu_ms_per_delivery} ms, world (simulator, benchmark) ${cost.world_cpu_ms_per_delivery} ms; tracker caught up ${trackerLag.caught_up_ms ?? '—'} ms after the last delivery`;
  writeFileSync(svg, acceptChart(series, `BIN Alert benchmark: ${result.members} members, ${result.started_at.slice(0, 16).replace('T', ' ')} UTC`, sms, costLine));
  console.log(`\n[bench] wrote ${out} (copy ${copy}) and the chart ${svg}`);
  if (args.cpuProf) {
    for (const line of profileSummaries(profileDir, readdirSync(profileDir))) console.log(line);
  }
}

main(parseArgs(process.argv.slice(2))).then(
  () => process.exit(0),
  async (error: unknown) => {
    console.error(error instanceof BenchAbort ? `[bench] ${error.message}` : `[bench] failed: ${error instanceof Error ? error.stack : String(error)}`);
    await stopEverything();
    process.exit(1);
  },
);
