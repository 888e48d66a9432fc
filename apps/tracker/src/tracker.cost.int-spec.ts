import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openDataSource } from '@bin-alert/persistence';
import { providerSettingsFrom } from '@bin-alert/providers';
import { freePort } from '../../../bench/src/support/free-port';
import { seedAcceptedDeliveries } from '../../../bench/src/support/accepted-deliveries';
import { postCallbacks, signedSmsStatusCallbacks } from '../../../test/support/tracked-deliveries';
import { TEST_DATABASE_URL, testConfig } from '../../../bench/src/support/test-config';
import { waitFor } from '../../../bench/src/support/wait-for';

/**
 * A measurement, not a test: the tracker's own CPU per status callback, the tracker running as a
 * process of its own (dist) so that the load generator's cost is not counted. Skipped unless asked:
 *
 *   npm run build && TRACKER_COST=1 flock /tmp/bin-alert-shared-servers.lock npx jest apps/tracker/src/tracker.cost.int-spec.ts --selectProjects integration --runInBand --forceExit
 */
const enabled = process.env.TRACKER_COST === '1';
const members = Number(process.env.TRACKER_COST_MEMBERS ?? 3_000);
const concurrency = Number(process.env.TRACKER_COST_CONCURRENCY ?? 64);
const TICK_MS = 10;

(enabled ? describe : describe.skip)('tracker CPU per callback (measurement)', () => {
  let tracker: ChildProcess;
  let db: DataSource;
  let baseUrl: string;
  const config = testConfig();

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    tracker = spawn(
      process.execPath,
      [
        ...(process.env.TRACKER_COST_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.TRACKER_COST_PROF}`] : []),
        process.env.TRACKER_COST_MAIN ?? join(__dirname, '../../../dist/apps/tracker/src/main.js'),
      ],
      {
        env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: TEST_DATABASE_URL, TRACKER_PORT: String(port), TRACKER_PUBLIC_URL: baseUrl },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    db = await openDataSource(config.DATABASE_URL, 4);
    await waitFor(
      () =>
        fetch(`${baseUrl}/health/ready`)
          .then((r) => r.status)
          .catch(() => 0),
      (s) => s === 200,
      { what: 'tracker ready', timeoutMs: 60_000, intervalMs: 200 },
    );
  }, 90_000);

  afterAll(async () => {
    if (tracker && tracker.exitCode === null) {
      const exited = new Promise((resolve) => tracker.once('exit', resolve));
      tracker.kill('SIGTERM');
      await exited;
    }
    await db?.destroy();
  });

  const cpuMs = () => {
    const fields = readFileSync(`/proc/${tracker.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  };

  it('measures SMS status callbacks (sent, delivered)', async () => {
    const seeded = await seedAcceptedDeliveries(db, members);
    const token = providerSettingsFrom(config).twilio.authToken;
    const requests = signedSmsStatusCallbacks(seeded, token, baseUrl);
    const cpuBefore = cpuMs();
    const started = performance.now();
    const statuses = await postCallbacks(baseUrl, requests, concurrency);
    const answeredMs = performance.now() - started;
    // Every status is applied and published once its callback is answered (ADR 0041).
    const cpuTotal = cpuMs() - cpuBefore;
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE id = ANY($1::uuid[]) AND status = 'delivered'`, [seeded.map((s) => s.delivery.sms)]);
    process.stdout.write(
      `\n[tracker cost] ${JSON.stringify({ callbacks: requests.length, concurrency, answers: Object.fromEntries(statuses), answered_ms: Math.round(answeredMs), tracker_cpu_ms: cpuTotal, cpu_ms_per_callback: +(cpuTotal / requests.length).toFixed(3), delivered: n })}\n`,
    );
    expect(statuses.get(200)).toBe(requests.length);
  }, 600_000);
});
