import 'reflect-metadata';
import { testConfig } from '../../../bench/src/support/test-config';
import { trackerCallbackMeasurement } from '../../../test/support/tracker-callback-measurement';
import { startTracker } from './start-tracker';

/**
 * A measurement, not a test: how many status callbacks per second the tracker answers (each
 * applied and published before its answer, ADR 0041), on the real servers of this machine.
 * It asserts nothing about speed (DESIGN §6) and is skipped unless asked for:
 *
 *   TRACKER_THROUGHPUT=1 flock /tmp/bin-alert-shared-servers.lock npx jest --selectProjects integration --runInBand --forceExit apps/tracker/src/tracker.throughput.int-spec.ts
 *
 * TRACKER_THROUGHPUT_MEMBERS (2000) and TRACKER_THROUGHPUT_CONCURRENCY (64) change its size.
 */
const enabled = process.env.TRACKER_THROUGHPUT === '1';
const members = Number(process.env.TRACKER_THROUGHPUT_MEMBERS ?? 2_000);
const concurrency = Number(process.env.TRACKER_THROUGHPUT_CONCURRENCY ?? 64);

(enabled ? describe : describe.skip)('tracker throughput (measurement)', () => {
  const measurement = trackerCallbackMeasurement(async (port, baseUrl) => {
    const app = await startTracker(testConfig({ TRACKER_PUBLIC_URL: baseUrl }), port);
    return () => app.close();
  }, 60_000);

  it('answers signed SMS status callbacks (sent, delivered) with many in flight', async () => {
    const { requests } = await measurement.seedSignedSmsCallbacks(members);
    const { statuses, answeredMs } = await measurement.postTimed(requests, concurrency);
    report('ingestion', {
      callbacks: requests.length,
      concurrency,
      answers: Object.fromEntries(statuses),
      answered_ms: Math.round(answeredMs),
      callbacks_per_s: Math.round(requests.length / (answeredMs / 1000)),
    });
    expect(statuses.get(200)).toBe(requests.length);
  }, 600_000);
});

function report(what: string, figures: Record<string, unknown>): void {
  process.stdout.write(`\n[tracker throughput] ${what} ${JSON.stringify(figures)}\n`);
}
