import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TOPICS } from '@bin-alert/contracts';
import { AlertRepository, OutboxRepository, openDataSource } from '@bin-alert/persistence';
import { testConfig } from '../../../bench/src/support/test-config';
import { waitFor } from '../../../bench/src/support/wait-for';
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
      { actor: null, action: 'alert.issued', target: { type: 'alert', id: alertId } },
    );
    const outbox = new OutboxRepository(db);
    const pendingFor = async () => Number((await db.query(`SELECT count(*) AS n FROM outbox WHERE message_key = $1 AND published_at IS NULL`, [alertId]))[0].n);

    // Nothing listens on port 1: every publish attempt fails.
    const deadBus = new KafkaMessageBus({ brokers: ['127.0.0.1:1'], clientId: 'test-outbox-dead', connectionTimeoutMs: 300 });
    const stalled = new OutboxRelay(outbox, deadBus, 50, 200, 2);
    for (let i = 0; i < 4; i++) await stalled.drain();
    // Past its attempts, but the dead-letter topic is unreachable too: Kafka is down, the record is not at fault.
    expect(await pendingFor()).toBe(1);
    expect((await db.query(`SELECT dead_lettered_at FROM outbox WHERE message_key = $1`, [alertId]))[0].dead_lettered_at).toBeNull();
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
      await waitFor(
        async () => seen.length,
        (n) => n === 1,
        { what: 'record consumed from Kafka' },
      );
      expect(JSON.parse(seen[0])).toEqual({ probe: alertId });
    } finally {
      await relay.stop();
      await consumer.stop();
    }
  }, 60_000);

  it('publishes the records behind one Kafka will never take, and dead-letters that one with the error', async () => {
    const outbox = new OutboxRepository(db);
    const good = randomUUID();
    const poisoned = randomUUID();
    const missingTopic = `test.no-such-topic-${poisoned}`;
    await db.transaction((tx) =>
      outbox.append(
        [
          { topic: missingTopic, key: poisoned, payload: { probe: poisoned }, headers: {} },
          { topic: TOPICS.alerts, key: good, payload: { probe: good }, headers: {} },
        ],
        tx,
      ),
    );
    const state = async (key: string) => (await db.query(`SELECT published_at, dead_lettered_at, attempts, last_error FROM outbox WHERE message_key = $1`, [key]))[0];

    const deadLetters: Array<{ key: string | null; headers: Record<string, string> }> = [];
    const consumer = await bus.consume({
      groupId: `test-outbox-dlq-${poisoned}`,
      topics: [TOPICS.deadLetters],
      schema: z.unknown(),
      handle: async (m) => {
        if (m.key === poisoned) deadLetters.push({ key: m.key, headers: m.headers });
      },
    });
    const relay = new OutboxRelay(outbox, bus, 50, 200, 3);
    try {
      await relay.drain();
      expect((await state(good)).published_at).not.toBeNull();
      expect(await state(poisoned)).toMatchObject({ published_at: null, dead_lettered_at: null, attempts: 1 });
      await relay.drain();
      await relay.drain();
      const dead = await state(poisoned);
      expect(dead.published_at).toBeNull();
      expect(dead.dead_lettered_at).not.toBeNull();
      expect(dead.last_error).toBeTruthy();
      await waitFor(
        async () => deadLetters.length,
        (n) => n === 1,
        { what: 'dead letter consumed' },
      );
      expect(deadLetters[0].headers).toMatchObject({ 'x-source-topic': missingTopic });
      expect(await outbox.countPending()).toBe(0);
    } finally {
      await consumer.stop();
    }
  }, 60_000);
});
