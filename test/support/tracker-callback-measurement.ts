import type { DataSource } from 'typeorm';
import { openDataSource } from '@bin-alert/persistence';
import { providerSettingsFrom } from '@bin-alert/providers';
import { type TrackedMember, seedAcceptedDeliveries } from '../../bench/src/support/accepted-deliveries';
import { freePort } from '../../bench/src/support/free-port';
import { testConfig } from '../../bench/src/support/test-config';
import { waitFor } from '../../bench/src/support/wait-for';
import { type SignedCallback, postCallbacks, signedSmsStatusCallbacks } from './tracked-deliveries';

/** Stops the tracker that a measurement's `start` started. */
export type StopTracker = () => Promise<void>;

/** A measurement's tracker and database, set by its beforeAll. */
export interface TrackerCallbackMeasurement {
  baseUrl: string;
  db: DataSource;
  /** `members` accepted deliveries, and Twilio's `sent` then `delivered` callbacks for each one's SMS, signed for the tracker. */
  seedSignedSmsCallbacks(members: number): Promise<{ seeded: TrackedMember[]; requests: SignedCallback[] }>;
  /** The callbacks posted with `concurrency` in flight: how many got each status code, and the time until the last answer. */
  postTimed(requests: SignedCallback[], concurrency: number): Promise<{ statuses: Map<number, number>; answeredMs: number }>;
}

/**
 * What the tracker's callback measurements (tracker.cost and tracker.throughput, each skipped
 * unless asked for) set up alike: a tracker on a free loopback port, started by `start` (in this
 * process or as a process of its own) and ready, and a connection of the measurement's own to the
 * test database; both closed after the suite. Call it inside the measurement's describe.
 */
export function trackerCallbackMeasurement(start: (port: number, baseUrl: string) => Promise<StopTracker>, setupTimeoutMs: number): TrackerCallbackMeasurement {
  const config = testConfig();
  // Nothing to stop until `start` has started the tracker.
  let stop: () => Promise<void> = async () => {};
  const measurement: TrackerCallbackMeasurement = {
    baseUrl: '',
    db: undefined as unknown as DataSource,
    async seedSignedSmsCallbacks(members) {
      const seeded = await seedAcceptedDeliveries(measurement.db, members);
      const token = providerSettingsFrom(config).twilio.authToken;
      return { seeded, requests: signedSmsStatusCallbacks(seeded, token, measurement.baseUrl) };
    },
    async postTimed(requests, concurrency) {
      const started = performance.now();
      const statuses = await postCallbacks(measurement.baseUrl, requests, concurrency);
      return { statuses, answeredMs: performance.now() - started };
    },
  };

  beforeAll(async () => {
    const port = await freePort();
    measurement.baseUrl = `http://127.0.0.1:${port}`;
    stop = await start(port, measurement.baseUrl);
    await waitFor(
      () =>
        fetch(`${measurement.baseUrl}/health/ready`)
          .then((r) => r.status)
          .catch(() => 0),
      (s) => s === 200,
      { what: 'tracker ready', timeoutMs: 60_000, intervalMs: 200 },
    );
    measurement.db = await openDataSource(config.DATABASE_URL, 4);
  }, setupTimeoutMs);

  afterAll(async () => {
    await stop();
    await measurement.db?.destroy();
  });

  return measurement;
}
