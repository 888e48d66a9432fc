import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { testConfig } from '../../../bench/src/support/test-config';
import { waitFor } from '../../../bench/src/support/wait-for';
import { KafkaMessageBus } from './kafka-message-bus';

/**
 * A handler that works longer than the group session without calling `heartbeat` (a sender
 * waiting for its share of a provider's rate) keeps its membership, on the real broker. Before,
 * kafkajs sent no heartbeat while it ran: the coordinator expelled the live consumer, its record
 * was not committed and came back, and was handled a second time (docs/reliability.md, chaos
 * finding 1: two live dispatchers working the same job).
 */
describe('KafkaMessageBus: a handler longer than the session', () => {
  const config = testConfig();
  const topic = `test.long-handler.${randomUUID()}`;
  let bus: KafkaMessageBus;

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    // The broker's smallest session (group.min.session.timeout.ms, 6 s by default).
    bus = new KafkaMessageBus({ brokers: config.KAFKA_BROKERS, clientId: 'test-long-handler', sessionTimeoutMs: 6_000 });
    await bus.ensureTopics([{ name: topic, partitions: 1 }]);
  });

  afterAll(async () => {
    await bus.close();
  });

  it.each(['handle', 'handleBatch'] as const)(
    'keeps the membership while %s runs, and handles the record once',
    async (form) => {
      const started: number[] = [];
      const finished: number[] = [];
      const work = async (n: number) => {
        started.push(n);
        // Twice the session, and no heartbeat asked for.
        await new Promise((r) => setTimeout(r, 12_000));
        finished.push(n);
      };
      const schema = z.object({ n: z.number() });
      const groupId = `test-long-handler-${form}-${randomUUID()}`;
      const consumer = await bus.consume(
        form === 'handle'
          ? { groupId, topics: [topic], schema, maxWaitMs: 100, handle: (m) => work(m.value.n) }
          : {
              groupId,
              topics: [topic],
              schema,
              maxWaitMs: 100,
              handleBatch: async (ms) => {
                for (const m of ms) await work(m.value.n);
              },
            },
      );
      const n = Date.now();
      await bus.publish([{ topic, key: 'a', value: { n } }]);
      await waitFor(
        async () => finished,
        (f) => f.includes(n),
        { what: 'the long handler to finish', timeoutMs: 30_000 },
      );
      // Long enough for an expelled consumer to rejoin, fetch the uncommitted record and start it again.
      await new Promise((r) => setTimeout(r, 8_000));
      expect(started.filter((s) => s === n)).toHaveLength(1);
      await consumer.stop();
    },
    60_000,
  );
});
