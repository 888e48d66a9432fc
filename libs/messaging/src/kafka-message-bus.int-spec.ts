import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { logLevel } from 'kafkajs';
import { createKafkaClient } from './kafka-client';
import { z } from 'zod';
import { HEADERS, TOPICS } from '@bin-alert/contracts';
import { AppMetrics, currentCorrelationId, withCorrelationId } from '@bin-alert/platform';
import { testConfig } from '../../../bench/src/support/test-config';
import { waitFor } from '../../../bench/src/support/wait-for';
import { DEFAULT_FETCH_BYTES, KafkaMessageBus } from './kafka-message-bus';

/** The consumer loop on a real broker: a poison message is dead-lettered and never stalls its partition. */
describe('KafkaMessageBus consumer loop', () => {
  const config = testConfig();
  const topic = `test.consumer-loop.${randomUUID()}`;
  let bus: KafkaMessageBus;

  beforeAll(async () => {
    bus = new KafkaMessageBus({ brokers: config.KAFKA_BROKERS, clientId: 'test-loop' });
    await bus.ensureTopics([{ name: topic, partitions: 1 }]);
  });

  afterAll(async () => {
    await bus.close();
  });

  const deadLettersFor = async (key: string) => {
    const found: Array<{ error: string; source: string }> = [];
    const consumer = createKafkaClient({ clientId: 'test-dlq', brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING }).consumer({ groupId: `dlq-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.deadLetters, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() === key)
          found.push({ error: message.headers?.[HEADERS.error]?.toString() ?? '', source: message.headers?.[HEADERS.sourceTopic]?.toString() ?? '' });
      },
    });
    try {
      return await waitFor(
        async () => found,
        (f) => f.length > 0,
        { what: `dead letter for ${key}` },
      );
    } finally {
      await consumer.disconnect();
    }
  };

  it('dead-letters unparseable and failing messages with the error, then goes on with the next', async () => {
    const handled: string[] = [];
    const consumer = await bus.consume({
      groupId: `test-loop-${randomUUID()}`,
      topics: [topic],
      schema: z.object({ n: z.number() }),
      retryPolicy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
      handle: async (m) => {
        if (m.value.n === 13) throw new Error('thirteen is unlucky');
        handled.push(m.key!);
      },
    });
    const raw = createKafkaClient({ clientId: 'test-raw', brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING }).producer();
    await raw.connect();
    await raw.send({
      topic,
      messages: [
        { key: 'not-json', value: '{"n": ' },
        { key: 'wrong-shape', value: '{"n": "one"}' },
        { key: 'unlucky', value: '{"n": 13}' },
        { key: 'fine', value: '{"n": 1}' },
      ],
    });
    await raw.disconnect();

    await waitFor(
      async () => handled,
      (h) => h.includes('fine'),
      { what: 'the good message after the poison ones' },
    );
    expect(handled).toEqual(['fine']);
    expect((await deadLettersFor('not-json'))[0]).toMatchObject({ source: topic, error: expect.stringContaining('SyntaxError') });
    expect((await deadLettersFor('wrong-shape'))[0].error).toContain('invalid message: n: Expected number');
    expect((await deadLettersFor('unlucky'))[0].error).toContain('thirteen is unlucky');
    await consumer.stop();
  }, 60_000);

  it('fetches at most DEFAULT_FETCH_BYTES per partition, so a backlog is not held in memory whole', async () => {
    const backlog = `test.fetch-bytes.${randomUUID()}`;
    await bus.ensureTopics([{ name: backlog, partitions: 1 }]);
    // About 1 MiB in 40 record batches of 25 records of 1 KiB: kafkajs's default would fetch it at once.
    const padding = 'x'.repeat(1000);
    for (let send = 0; send < 40; send++) {
      await bus.publish(Array.from({ length: 25 }, (_, i) => ({ topic: backlog, key: `k${send}-${i}`, value: { n: send * 25 + i, padding } })));
    }
    const batches: number[] = [];
    const consumer = await bus.consume({
      groupId: `test-fetch-bytes-${randomUUID()}`,
      topics: [backlog],
      schema: z.object({ n: z.number(), padding: z.string() }),
      maxBatchSize: 10_000,
      handleBatch: async (messages) => {
        batches.push(messages.length);
      },
    });
    await waitFor(
      async () => batches.reduce((a, n) => a + n, 0),
      (n) => n >= 1000,
      { what: 'the whole backlog' },
    );
    await consumer.stop();
    // 256 KiB a fetch: a little over 200 records of 1.1 KiB, plus at most the record batch that crosses the limit.
    expect(Math.max(...batches)).toBeLessThanOrEqual(DEFAULT_FETCH_BYTES.perPartition / 1000 + 25);
    expect(batches.length).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it("runs each handler under its record's correlation id, stamps it on what the handler publishes, and counts retries and dead letters", async () => {
    const metrics = new AppMetrics('test');
    const counted = new KafkaMessageBus({ brokers: config.KAFKA_BROKERS, clientId: 'test-loop-metrics', metrics });
    const source = `test.consumer-loop.correlated.${randomUUID()}`;
    const onward = `test.consumer-loop.onward.${randomUUID()}`;
    await counted.ensureTopics([
      { name: source, partitions: 1 },
      { name: onward, partitions: 1 },
    ]);
    const seen: Array<{ key: string; correlationId?: string }> = [];
    const group = `test-loop-${randomUUID()}`;
    const consumer = await counted.consume({
      groupId: group,
      topics: [source],
      schema: z.object({ n: z.number() }),
      retryPolicy: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
      handle: async (m) => {
        if (m.value.n === 13) throw new Error('thirteen is unlucky');
        seen.push({ key: m.key!, correlationId: currentCorrelationId() });
        await counted.publish([{ topic: onward, key: m.key!, value: { n: m.value.n } }]);
      },
    });
    const onwardHeaders: Record<string, string> = {};
    const reader = await counted.consume({
      groupId: `test-onward-${randomUUID()}`,
      topics: [onward],
      schema: z.object({ n: z.number() }),
      handle: async (m) => {
        onwardHeaders[m.key!] = m.headers[HEADERS.correlationId] ?? 'none';
      },
    });
    // Published under a correlation id, as intake's outbox relay does with the alert's header.
    await withCorrelationId('corr-loop-1', () => counted.publish([{ topic: source, key: 'with-id', value: { n: 1 } }]));
    await counted.publish([{ topic: source, key: 'unlucky-2', value: { n: 13 } }]);

    await waitFor(
      async () => onwardHeaders,
      (h) => h['with-id'] !== undefined,
      { what: 'the onward record' },
    );
    expect(seen).toEqual([{ key: 'with-id', correlationId: 'corr-loop-1' }]);
    expect(onwardHeaders['with-id']).toBe('corr-loop-1');
    await deadLettersFor('unlucky-2');
    const text = await metrics.scrape();
    expect(text).toContain(`bin_message_retries_total{topic="${source}",group="${group}",app="test"} 1`);
    expect(text).toContain(`bin_dead_letters_total{topic="${source}",group="${group}",app="test"} 1`);
    // The lag of the groups this bus consumes with, read from the broker.
    const lag = await counted.consumerLag();
    expect(lag).toEqual(expect.arrayContaining([{ groupId: group, topic: source, lag: 0 }]));
    await consumer.stop();
    await reader.stop();
    await counted.close();
  }, 60_000);
});
