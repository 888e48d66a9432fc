import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_DATABASE_URL } from '../../../bench/src/support/test-config';
import { trackerCallbackMeasurement } from '../../../test/support/tracker-callback-measurement';

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
  const measurement = trackerCallbackMeasurement(async (port, baseUrl) => {
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
    return async () => {
      if (tracker.exitCode !== null) return;
      const exited = new Promise((resolve) => tracker.once('exit', resolve));
      tracker.kill('SIGTERM');
      await exited;
    };
  }, 90_000);

  const cpuMs = () => {
    const fields = readFileSync(`/proc/${tracker.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  };

  it('measures SMS status callbacks (sent, delivered)', async () => {
    const { seeded, requests } = await measurement.seedSignedSmsCallbacks(members);
    const cpuBefore = cpuMs();
    const { statuses, answeredMs } = await measurement.postTimed(requests, concurrency);
    // Every status is applied and published once its callback is answered (ADR 0041).
    const cpuTotal = cpuMs() - cpuBefore;
    const [{ n }] = await measurement.db.query(`SELECT count(*)::int AS n FROM deliveries WHERE id = ANY($1::uuid[]) AND status = 'delivered'`, [
      seeded.map((s) => s.delivery.sms),
    ]);
    process.stdout.write(
      `\n[tracker cost] ${JSON.stringify({ callbacks: requests.length, concurrency, answers: Object.fromEntries(statuses), answered_ms: Math.round(answeredMs), tracker_cpu_ms: cpuTotal, cpu_ms_per_callback: +(cpuTotal / requests.length).toFixed(3), delivered: n })}\n`,
    );
    expect(statuses.get(200)).toBe(requests.length);
  }, 600_000);
});
