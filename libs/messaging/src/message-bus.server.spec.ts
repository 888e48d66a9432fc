import { Controller, INestApplication, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { allTopics, HEADERS } from '@bin-alert/contracts';
import { currentCorrelationId } from '@bin-alert/platform';
import { waitFor } from '../../../bench/src/support/wait-for';
import { InProcessBroker, InProcessMessageBus } from './in-process-message-bus';
import { IncomingMessage, PermanentMessageError } from './message-bus';
import { MessageBusContext, connectMessageBusConsumers, consumerGroup } from './message-bus.server';
import { MESSAGE_BUS } from './messaging.module';

const TOPIC = 'test.server.v1';
const numbered = z.object({ n: z.number() });
type Numbered = z.infer<typeof numbered>;
const FAST_RETRIES = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10 };

/** What the handlers of the test controllers saw. */
const seen: string[] = [];
const attempts = new Map<number, number>();

@Controller()
class Consumers {
  @EventPattern(TOPIC, consumerGroup({ groupId: 'test-first', schema: numbered, retryPolicy: FAST_RETRIES, maxWaitMs: 10 }))
  first(@Payload() value: Numbered, @Ctx() context: MessageBusContext): void {
    seen.push(`first n=${value.n} key=${context.getMessage().key} correlation=${currentCorrelationId()}`);
  }

  @EventPattern(TOPIC, consumerGroup({ groupId: 'test-second', schema: numbered, retryPolicy: FAST_RETRIES, maxWaitMs: 10 }))
  async second(@Payload() value: Numbered): Promise<void> {
    const attempt = (attempts.get(value.n) ?? 0) + 1;
    attempts.set(value.n, attempt);
    if (value.n === 13) throw new PermanentMessageError('thirteen is refused for good');
    if (value.n === 2 && attempt === 1) throw new Error('database away for a moment');
    seen.push(`second n=${value.n} attempt=${attempt}`);
  }

  @EventPattern(TOPIC, consumerGroup({ groupId: 'test-batch', schema: numbered, maxWaitMs: 10, batch: { maxBatchSize: 10 } }))
  batch(@Payload() messages: IncomingMessage<Numbered>[]): void {
    seen.push(`batch ${messages.map((m) => m.value.n).join(',')}`);
  }
}

@Controller()
class AskingForAReply {
  @MessagePattern(TOPIC)
  reply(): string {
    return 'no';
  }
}

@Controller()
class WithoutGroup {
  @EventPattern(TOPIC)
  handle(): void {}
}

async function appWith(controller: Type, broker: InProcessBroker): Promise<INestApplication> {
  @Module({ controllers: [controller], providers: [{ provide: MESSAGE_BUS, useFactory: () => new InProcessMessageBus(broker) }] })
  class TestModule {}
  const app = await NestFactory.create(TestModule, { logger: false });
  connectMessageBusConsumers(app);
  return app;
}

describe('MessageBusServer: @EventPattern handlers as consumers of the MessageBus (ADR 0002)', () => {
  let broker: InProcessBroker;
  const apps: INestApplication[] = [];

  beforeEach(() => {
    seen.length = 0;
    attempts.clear();
    broker = new InProcessBroker();
    broker.ensureTopics([...allTopics(), { name: TOPIC, partitions: 2 }]);
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    broker.close();
  });

  async function started(controller: Type): Promise<{ app: INestApplication; bus: InProcessMessageBus }> {
    const app = await appWith(controller, broker);
    apps.push(app);
    await app.init();
    await app.startAllMicroservices();
    return { app, bus: app.get(MESSAGE_BUS) };
  }

  it('gives each handler of a topic its own group, the parsed value, the record and its correlation id', async () => {
    const { bus } = await started(Consumers);
    await bus.publish([{ topic: TOPIC, key: 'k1', value: { n: 1 }, headers: { [HEADERS.correlationId]: 'corr-1' } }]);

    await waitFor(
      async () => [...seen],
      (s) => s.length === 3,
      { what: 'three handlers' },
    );
    expect(seen.sort()).toEqual(['batch 1', 'first n=1 key=k1 correlation=corr-1', 'second n=1 attempt=1']);
    expect(broker.inspect().consumerGroups.map((g) => g.groupId)).toEqual(['test-batch', 'test-first', 'test-second']);
  });

  it('hands a handler’s error to the consumer loop as thrown: retried when it may pass, dead-lettered at once when permanent', async () => {
    const { bus } = await started(Consumers);
    await bus.publish([
      { topic: TOPIC, key: 'retried', value: { n: 2 } },
      { topic: TOPIC, key: 'refused', value: { n: 13 } },
    ]);

    await waitFor(
      async () => broker.deadLetters('refused'),
      (d) => d.length === 1,
      { what: 'the dead letter of 13' },
    );
    await waitFor(
      async () => [...seen],
      (s) => s.includes('second n=2 attempt=2'),
      { what: 'the retry of 2' },
    );
    expect(broker.deadLetters('refused')).toEqual([{ error: expect.stringMatching(/^PermanentMessageError\b.*thirteen is refused for good/), source: TOPIC }]);
    expect(attempts.get(13)).toBe(1);
    expect(broker.deadLetters('retried')).toEqual([]);
  });

  it('stops consuming when the app closes', async () => {
    const { app } = await started(Consumers);
    expect(broker.activeMembers('test-first')).toBe(1);
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    expect(['test-first', 'test-second', 'test-batch'].map((g) => broker.activeMembers(g))).toEqual([0, 0, 0]);
  });

  it('refuses, at start, a handler that wants a reply or names no consumer group', async () => {
    await expect(started(AskingForAReply)).rejects.toThrow('@EventPattern("test.server.v1"): the message bus carries events only; use @EventPattern, not @MessagePattern');
    await expect(started(WithoutGroup)).rejects.toThrow('@EventPattern("test.server.v1"): needs consumerGroup({ groupId, schema }) as the extras of @EventPattern');
  });
});
