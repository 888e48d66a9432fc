import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryStatusEventV1, TOPICS, TRACKER_PROJECTION_GROUP, deliveryEventId } from '@bin-alert/contracts';
import { KafkaMessageBus, OutgoingMessage, consumerLag } from '@bin-alert/messaging';
import { openDataSource } from '@bin-alert/persistence';
import { providerSettingsFrom } from '@bin-alert/providers';
import { freePort } from '../../../bench/src/support/free-port';
import { seedAcceptedDeliveries } from '../../../bench/src/support/accepted-deliveries';
import { postCallbacks, signedSmsStatusCallbacks } from '../../../test/support/tracked-deliveries';
import { testConfig } from '../../../bench/src/support/test-config';
import { waitFor } from '../../../bench/src/support/wait-for';
import { startTracker } from './start-tracker';

/**
 * A measurement, not a test: how many status callbacks per second the tracker answers, and how
 * many delivery events per second its projection applies, on the real servers of this machine.
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

  const caughtUp = () =>
    waitFor(
      () => consumerLag(config.KAFKA_BROKERS, TRACKER_PROJECTION_GROUP, TOPICS.deliveryEvents),
      (lag) => lag === 0,
      { what: 'projection lag 0', timeoutMs: 600_000, intervalMs: 50 },
    );

  it('answers signed SMS status callbacks (sent, delivered) with many in flight', async () => {
    const seeded = await seedAcceptedDeliveries(db, members);
    await caughtUp();
    const token = providerSettingsFrom(config).twilio.authToken;
    const requests = signedSmsStatusCallbacks(seeded, token, baseUrl);
    const started = performance.now();
    const statuses = await postCallbacks(baseUrl, requests, concurrency);
    const answeredMs = performance.now() - started;
    await caughtUp();
    const projectedMs = performance.now() - started;
    report('ingestion', {
      callbacks: requests.length,
      concurrency,
      answers: Object.fromEntries(statuses),
      answered_ms: Math.round(answeredMs),
      callbacks_per_s: Math.round(requests.length / (answeredMs / 1000)),
      projected_ms: Math.round(projectedMs),
    });
    expect(statuses.get(200)).toBe(requests.length);
  }, 600_000);

  it('applies delivery events published straight to the topic (sent, delivered, a late sent)', async () => {
    const seeded = await seedAcceptedDeliveries(db, members);
    await caughtUp();
    const now = new Date().toISOString();
    const events: OutgoingMessage[] = seeded.flatMap((s) =>
      (['sent', 'delivered', 'sent'] as const).map((status, i) => {
        const value: DeliveryStatusEventV1 = {
          type: 'delivery.status',
          version: 1,
          eventId: deliveryEventId(`measure:${s.delivery.email}:${i}`),
          deliveryId: s.delivery.email,
          alertId: s.alertId,
          memberId: s.memberId,
          channel: 'email',
          status,
          provider: 'sendgrid',
          providerStatus: status,
          acknowledged: false,
          occurredAt: now,
          receivedAt: now,
        };
        return { topic: TOPICS.deliveryEvents, key: s.memberId, value };
      }),
    );
    const bus = new KafkaMessageBus({ brokers: config.KAFKA_BROKERS, clientId: 'tracker-throughput' });
    try {
      const started = performance.now();
      for (let i = 0; i < events.length; i += 2_000) await bus.publish(events.slice(i, i + 2_000));
      const publishedMs = performance.now() - started;
      await caughtUp();
      const appliedMs = performance.now() - started;
      report('projection', {
        events: events.length,
        published_ms: Math.round(publishedMs),
        applied_ms: Math.round(appliedMs),
        events_per_s: Math.round(events.length / (appliedMs / 1000)),
      });
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE id = ANY($1::uuid[]) AND status = 'delivered'`, [seeded.map((s) => s.delivery.email)]);
      expect(n).toBe(seeded.length);
    } finally {
      await bus.close();
    }
  }, 600_000);
});

function report(what: string, figures: Record<string, unknown>): void {
  process.stdout.write(`\n[tracker throughput] ${what} ${JSON.stringify(figures)}\n`);
}
