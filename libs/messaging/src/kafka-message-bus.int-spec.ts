import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { HEADERS, TOPICS } from '@bin-alert/contracts';
import { testConfig } from '../../../test/support/test-config';
import { waitFor } from '../../../test/support/wait-for';
import { KafkaMessageBus } from './kafka-message-bus';

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
    const consumer = new Kafka({ clientId: 'test-dlq', brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING }).consumer({ groupId: `dlq-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.deadLetters, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() === key) found.push({ error: message.headers?.[HEADERS.error]?.toString() ?? '', source: message.headers?.[HEADERS.sourceTopic]?.toString() ?? '' });
      },
    });
    try {
      return await waitFor(async () => found, (f) => f.length > 0, { what: `dead letter for ${key}` });
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
    const raw = new Kafka({ clientId: 'test-raw', brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING }).producer();
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

    await waitFor(async () => handled, (h) => h.includes('fine'), { what: 'the good message after the poison ones' });
    expect(handled).toEqual(['fine']);
    expect((await deadLettersFor('not-json'))[0]).toMatchObject({ source: topic, error: expect.stringContaining('SyntaxError') });
    expect((await deadLettersFor('wrong-shape'))[0].error).toContain('invalid message: n: Expected number');
    expect((await deadLettersFor('unlucky'))[0].error).toContain('thirteen is unlucky');
    await consumer.stop();
  }, 60_000);
});
