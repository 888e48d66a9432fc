import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { testConfig } from '../../../bench/src/support/test-config';
import { waitFor } from '../../../bench/src/support/wait-for';
import { KafkaMessageBus } from './kafka-message-bus';
import { consumersRunning } from './readiness-checks.provider';

/**
 * A consumer that crashes on an error kafkajs does not retry is started again, on the real
 * broker. The fault is injected through the handler: an error of the group (which the loop hands
 * to kafkajs rather than retrying) that kafkajs calls not retriable, as it does
 * KafkaJSGroupCoordinatorNotFound on a fresh broker. Without the supervisor the consumer stayed
 * dead and readiness said nothing (docs/reliability.md, finding 2).
 */
describe('KafkaMessageBus: a crashed consumer comes back', () => {
  const config = testConfig();
  const topic = `test.consumer-restart.${randomUUID()}`;
  const giveUp = jest.fn();
  let bus: KafkaMessageBus;

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    bus = new KafkaMessageBus({
      brokers: config.KAFKA_BROKERS,
      clientId: 'test-consumer-restart',
      consumerSupervision: { initialRestartDelayMs: 3_000, giveUpAfterMs: 60_000, giveUp },
    });
    await bus.ensureTopics([{ name: topic, partitions: 1 }]);
  });

  afterAll(async () => {
    await bus.close();
  });

  it('restarts it after a backoff, reports it not ready meanwhile, and the record it crashed on is handled after all', async () => {
    const handled: number[] = [];
    let crashes = 0;
    const readiness = consumersRunning(bus);
    const groupId = `test-restart-${randomUUID()}`;
    const consumer = await bus.consume({
      groupId,
      topics: [topic],
      schema: z.object({ n: z.number() }),
      maxWaitMs: 100,
      handleBatch: async (messages) => {
        if (messages.some((m) => m.value.n === 1) && crashes === 0) {
          crashes++;
          throw Object.assign(new Error('the instance was fenced (injected)'), { name: 'KafkaJSProtocolError', type: 'FENCED_INSTANCE_ID', retriable: false });
        }
        handled.push(...messages.map((m) => m.value.n));
      },
    });
    await expect(readiness.check()).resolves.toBeUndefined();

    await bus.publish([{ topic, key: 'a', value: { n: 1 } }]);
    await waitFor(
      async () => bus.consumerHealth()[0].state,
      (state) => state === 'down',
      { what: 'the consumer to crash' },
    );
    await expect(readiness.check()).rejects.toThrow(new RegExp(`${groupId} down .*fenced \\(injected\\)`));

    await waitFor(
      async () => handled,
      (h) => h.includes(1),
      { what: 'the record it crashed on, after the restart', timeoutMs: 45_000 },
    );
    await expect(readiness.check()).resolves.toBeUndefined();
    await bus.publish([{ topic, key: 'a', value: { n: 2 } }]);
    await waitFor(
      async () => handled,
      (h) => h.includes(2),
      { what: 'the next record' },
    );
    expect(crashes).toBe(1);
    expect(handled.filter((n) => n === 1)).toHaveLength(1);
    expect(giveUp).not.toHaveBeenCalled();
    await consumer.stop();
  }, 90_000);
});
