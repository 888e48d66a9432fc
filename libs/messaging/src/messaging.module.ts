import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { allTopics } from '@bin-alert/contracts';
import { AppMetrics } from '@bin-alert/platform';
import type { ConsumerLagSource } from './consumer-lag';
import { KafkaBusOptions, KafkaMessageBus } from './kafka-message-bus';

export const MESSAGE_BUS = Symbol('MESSAGE_BUS');

class MessageBusLifecycle implements OnApplicationShutdown {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: KafkaMessageBus) {}
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
  static forRoot(options: KafkaBusOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        {
          provide: MESSAGE_BUS,
          useFactory: async (metrics?: AppMetrics) => {
            const bus = new KafkaMessageBus({ metrics, ...options });
            await bus.ensureTopics(allTopics());
            return bus;
          },
          inject: [{ token: AppMetrics, optional: true }],
        },
        MessageBusLifecycle,
        ConsumerLagMetrics,
      ],
      exports: [MESSAGE_BUS],
    };
  }
}
