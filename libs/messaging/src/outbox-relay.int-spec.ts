import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TOPICS } from '@bin-alert/contracts';
import { AlertRepository, OutboxRepository, openDataSource } from '@bin-alert/persistence';
import { testConfig } from '../../../test/support/test-config';
import { waitFor } from '../../../test/support/wait-for';
import { KafkaMessageBus } from './kafka-message-bus';
import { OutboxRelay } from './outbox-relay';
import { z } from 'zod';

/** Promise 1: once intake has committed an alert, Kafka being down only delays it. */
describe('OutboxRelay', () => {
  const config = testConfig();
  let db: DataSource;
  let bus: KafkaMessageBus;

  beforeAll(async () => {
    db = await openDataSource(config.DATABASE_URL, 3);
    bus = new KafkaMessageBus({ brokers: config.KAFKA_BROKERS, clientId: 'test-outbox' });
  });

  afterAll(async () => {
    await bus.close();
    await db.destroy();
  });

  it('keeps the record while Kafka is unreachable and publishes it once Kafka is back', async () => {
    const alertId = randomUUID();
    await new AlertRepository(db).create(
      { id: alertId, categoryCode: 'general', urgency: 'normal', redistributionAllowed: true, binIds: ['arend'], texts: { nl: { title: 't', body: 'b' } }, issuedAt: new Date() },
      { topic: TOPICS.alerts, key: alertId, payload: { probe: alertId } },
    );
    const outbox = new OutboxRepository(db);
    const pendingFor = async () => Number((await db.query(`SELECT count(*) AS n FROM outbox WHERE message_key = $1 AND published_at IS NULL`, [alertId]))[0].n);

    // Nothing listens on port 1: every publish attempt fails.
    const deadBus = new KafkaMessageBus({ brokers: ['127.0.0.1:1'], clientId: 'test-outbox-dead', connectionTimeoutMs: 300 });
    const stalled = new OutboxRelay(outbox, deadBus, 50);
    await stalled.drain();
    await stalled.drain();
    expect(await pendingFor()).toBe(1);
    await deadBus.close();

    const seen: string[] = [];
    const consumer = await bus.consume({
      groupId: `test-outbox-${alertId}`,
      topics: [TOPICS.alerts],
      schema: z.unknown(),
      handle: async (m) => {
        if (m.key === alertId) seen.push(JSON.stringify(m.value));
      },
    });
    const relay = new OutboxRelay(outbox, bus, 50);
    relay.start();
    try {
      await waitFor(pendingFor, (n) => n === 0, { what: 'outbox record published' });
      await waitFor(async () => seen.length, (n) => n === 1, { what: 'record consumed from Kafka' });
      expect(JSON.parse(seen[0])).toEqual({ probe: alertId });
    } finally {
      await relay.stop();
      await consumer.stop();
    }
  }, 60_000);
});
