import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { allTopics, TopicSpec } from '@bin-alert/contracts';
import { APP_CONFIG, AppConfig, AppMetrics, DrainCoordinator } from '@bin-alert/platform';
import { DEFAULT_TOPIC_SETTINGS, kafkaSecurityFrom, topicSettingsFrom } from './kafka-client';
import type { ConsumerLagSource } from './consumer-lag';
import { KafkaBusOptions, KafkaMessageBus } from './kafka-message-bus';
import { InProcessMessageBus, processWideBroker } from './in-process-message-bus';
import { MessageBus } from './message-bus';

export const MESSAGE_BUS = Symbol('MESSAGE_BUS');

/** What the apps' wiring needs of a driver beyond MessageBus: topics up front, and a readiness ping. */
export type MessageBusDriver = MessageBus & { ensureTopics(topics: TopicSpec[]): Promise<void>; ping(): Promise<void>; stopConsuming(): Promise<void> };

export interface MessagingOptions extends KafkaBusOptions {
  /** `standalone`: the in-process broker shared by every app of this process, no Kafka (ADR 0009). */
  mode?: 'distributed' | 'standalone';
}

/** The one place where the bus driver is chosen. */
export function createMessageBus(options: MessagingOptions): MessageBusDriver {
  return options.mode === 'standalone' ? new InProcessMessageBus(processWideBroker(), options.metrics) : new KafkaMessageBus(options);
}

class MessageBusLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBusDriver,
    @Optional() private readonly drain?: DrainCoordinator,
  ) {}

  /** Consumers are the work a process takes in: on a drain they stop before anything else closes. */
  onModuleInit(): void {
    this.drain?.onDrain('message consumers', () => this.bus.stopConsuming());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

/** Reads the consumer lag of this process's groups on every scrape of /metrics. */
@Injectable()
export class ConsumerLagMetrics implements OnModuleInit {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: Partial<ConsumerLagSource>,
    @Optional() private readonly metrics?: AppMetrics,
  ) {}

  onModuleInit(): void {
    const { metrics, bus } = this;
    if (!metrics || typeof bus.consumerLag !== 'function') return;
    metrics.refreshOnScrape(async () => {
      for (const { groupId, topic, lag } of await bus.consumerLag!()) metrics.consumerLag.set({ group: groupId, topic }, lag);
    });
  }
}

/** The process's MessageBus, with every topic created before anyone subscribes. */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        {
          provide: MESSAGE_BUS,
          // TLS/SASL and the topic settings come from the app's configuration when it has one,
          // so that every app reaches the cluster and shapes its topics the same way.
          useFactory: async (metrics?: AppMetrics, config?: AppConfig) => {
            const topics = config ? topicSettingsFrom(config) : DEFAULT_TOPIC_SETTINGS;
            const bus = createMessageBus({
              metrics,
              ...(config ? { security: kafkaSecurityFrom(config) } : {}),
              replicationFactor: topics.replicationFactor,
              minInsyncReplicas: topics.minInsyncReplicas,
              ...options,
            });
            await bus.ensureTopics(allTopics(topics.partitions));
            return bus;
          },
          inject: [
            { token: AppMetrics, optional: true },
            { token: APP_CONFIG, optional: true },
          ],
        },
        MessageBusLifecycle,
        ConsumerLagMetrics,
      ],
      exports: [MESSAGE_BUS],
    };
  }
}
