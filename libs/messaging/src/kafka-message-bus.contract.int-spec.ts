import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { logLevel } from 'kafkajs';
import { createKafkaClient } from './kafka-client';
import { HEADERS, TOPICS } from '@bin-alert/contracts';
import { consumerLag, stableGroupMembers } from '../../../test/support/kafka-probe';
import { messageBusContract } from '../../../test/support/message-bus.contract';
import { testConfig } from '../../../bench/src/support/test-config';
import { KafkaMessageBus } from './kafka-message-bus';

messageBusContract('Kafka', async () => {
  const { KAFKA_BROKERS: brokers } = testConfig();
  const kafka = createKafkaClient({ clientId: 'test-contract', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  // Every dead letter since the test began, read once by one consumer.
  const letters: Array<{ key: string; error: string; source: string }> = [];
  const dlq = kafka.consumer({ groupId: `test-contract-dlq-${randomUUID()}` });
  await dlq.connect();
  await dlq.subscribe({ topic: TOPICS.deadLetters, fromBeginning: true });
  await dlq.run({
    eachMessage: async ({ message }) =>
      void letters.push({
        key: message.key?.toString() ?? '',
        error: message.headers?.[HEADERS.error]?.toString() ?? '',
        source: message.headers?.[HEADERS.sourceTopic]?.toString() ?? '',
      }),
  });
  return {
    // A short session: a stopped member's partitions move within seconds, as in the kill test.
    client: () => new KafkaMessageBus({ brokers, clientId: 'test-contract', sessionTimeoutMs: 6_000 }),
    publishRaw: async (topic, records) => void (await producer.send({ topic, messages: records })),
    deadLetters: async (key) => letters.filter((l) => l.key === key),
    lag: (groupId, topic) => consumerLag(brokers, groupId, topic),
    activeMembers: (groupId) => stableGroupMembers(brokers, groupId),
    close: async () => {
      await dlq.disconnect();
      await producer.disconnect();
    },
  };
});
