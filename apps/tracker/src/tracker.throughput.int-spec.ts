import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { openDataSource } from '@bin-alert/persistence';
import { providerSettingsFrom } from '@bin-alert/providers';
import { freePort } from '../../../bench/src/support/free-port';
import { seedAcceptedDeliveries } from '../../../bench/src/support/accepted-deliveries';
import { postCallbacks, signedSmsStatusCallbacks } from '../../../test/support/tracked-deliveries';
import { testConfig } from '../../../bench/src/support/test-config';
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
  let app: INestApplication;
  let db: DataSource;
  let baseUrl: string;
  const config = testConfig();

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    app = await startTracker(testConfig({ TRACKER_PUBLIC_URL: baseUrl }), port);
    db = await openDataSource(config.DATABASE_URL, 4);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await db?.destroy();
  });

  it('answers signed SMS status callbacks (sent, delivered) with many in flight', async () => {
    const seeded = await seedAcceptedDeliveries(db, members);
    const token = providerSettingsFrom(config).twilio.authToken;
    const requests = signedSmsStatusCallbacks(seeded, token, baseUrl);
    const started = performance.now();
    const statuses = await postCallbacks(baseUrl, requests, concurrency);
    const answeredMs = performance.now() - started;
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
